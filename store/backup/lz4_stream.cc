// LZ4 frame streaming over liblz4's LZ4F_* API (see lz4_stream.h).
#include "store/backup/lz4_stream.h"

namespace skald::backup {
namespace {

Status Lz4Error(const char* what, size_t code) {
  return Status::Corruption(std::string("lz4 ") + what + ": " + LZ4F_getErrorName(code));
}

}  // namespace

Lz4FrameWriter::Lz4FrameWriter() { LZ4F_createCompressionContext(&ctx_, LZ4F_VERSION); }
Lz4FrameWriter::~Lz4FrameWriter() { LZ4F_freeCompressionContext(ctx_); }

Status Lz4FrameWriter::Begin(std::string* out) {
  size_t at = out->size();
  out->resize(at + LZ4F_HEADER_SIZE_MAX);
  size_t n = LZ4F_compressBegin(ctx_, out->data() + at, LZ4F_HEADER_SIZE_MAX, nullptr);
  if (LZ4F_isError(n)) return Lz4Error("begin", n);
  out->resize(at + n);
  begun_ = true;
  return Status::Ok();
}

Status Lz4FrameWriter::Write(std::string_view in, std::string* out) {
  if (!begun_) SKALD_RETURN_IF_ERROR(Begin(out));
  size_t at = out->size(), cap = LZ4F_compressBound(in.size(), nullptr);
  out->resize(at + cap);
  size_t n = LZ4F_compressUpdate(ctx_, out->data() + at, cap, in.data(), in.size(), nullptr);
  if (LZ4F_isError(n)) return Lz4Error("compress", n);
  out->resize(at + n);
  return Status::Ok();
}

Status Lz4FrameWriter::Finish(std::string* out) {
  if (!begun_) SKALD_RETURN_IF_ERROR(Begin(out));
  size_t at = out->size(), cap = LZ4F_compressBound(0, nullptr);
  out->resize(at + cap);
  size_t n = LZ4F_compressEnd(ctx_, out->data() + at, cap, nullptr);
  if (LZ4F_isError(n)) return Lz4Error("end", n);
  out->resize(at + n);
  return Status::Ok();
}

Lz4FrameReader::Lz4FrameReader() { LZ4F_createDecompressionContext(&ctx_, LZ4F_VERSION); }
Lz4FrameReader::~Lz4FrameReader() { LZ4F_freeDecompressionContext(ctx_); }

Status Lz4FrameReader::Write(std::string_view in, std::string* out) {
  char buf[64 * 1024];
  while (!in.empty() || !done_) {
    size_t src = in.size(), dst = sizeof buf;
    size_t hint = LZ4F_decompress(ctx_, buf, &dst, in.data(), &src, nullptr);
    if (LZ4F_isError(hint)) return Lz4Error("decompress", hint);
    out->append(buf, dst);
    in.remove_prefix(src);
    if (hint == 0) done_ = true;
    if (src == 0 && dst == 0) break;   // needs more input
  }
  return Status::Ok();
}

}  // namespace skald::backup
