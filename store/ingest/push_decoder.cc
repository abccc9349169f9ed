// Push body decoding: Content-Encoding unwrapping (zlib), raw-snappy protobuf, and dispatch on the
// Content-Type exactly as Loki's push parser does.
#include "store/ingest/push_decoder.h"

#include <snappy.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <limits>

#include "common/buffer_pool.h"
#include "push.pb.h"
#include "store/ingest/push_wire.h"
#include "store/ingest/stream_collector.h"

namespace skald::ingest {

namespace {

Status TooLarge(int64_t size, int64_t limit) {
  return Status(Code::kTooLarge, "request body too large: " + std::to_string(size) +
                                     " bytes, limit: " + std::to_string(limit) + " bytes");
}

// Inflates with the given zlib window bits (31 = gzip, 15 = zlib, -15 = raw deflate).
Result<std::string> Inflate(std::string_view in, int window_bits, int64_t max_bytes, const char* what) {
  z_stream zs{};
  if (inflateInit2(&zs, window_bits) != Z_OK) return Status::Internal("zlib init failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(std::min<size_t>(in.size(), std::numeric_limits<uInt>::max()));
  std::string out;
  char buf[64 * 1024];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof(buf);
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    out.append(buf, sizeof(buf) - zs.avail_out);
    if (static_cast<int64_t>(out.size()) > max_bytes) {
      inflateEnd(&zs);
      return TooLarge(static_cast<int64_t>(out.size()), max_bytes);
    }
    if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) { rc = Z_BUF_ERROR; break; }
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) {
    if (rc == Z_BUF_ERROR) return Status::Invalid("unexpected EOF");
    return Status::Invalid(std::string(what) + ": invalid header");
  }
  return out;
}

bool LooksZlib(std::string_view b) {
  if (b.size() < 2) return false;
  auto c0 = static_cast<unsigned char>(b[0]), c1 = static_cast<unsigned char>(b[1]);
  return (c0 & 0x0F) == 8 && ((c0 << 8) | c1) % 31 == 0;
}

// Idle inflate buffers kept between pushes: one per concurrent pusher of typical size is enough.
BufferPool& InflatePool() {
  static BufferPool pool(4, 64u << 20);
  return pool;
}

}  // namespace

bool IsJsonContentType(std::string_view ct) {
  size_t semi = ct.find(';');
  std::string_view media = ct.substr(0, semi);
  while (!media.empty() && (media.front() == ' ' || media.front() == '\t')) media.remove_prefix(1);
  while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.remove_suffix(1);
  static constexpr std::string_view kJson = "application/json";
  if (media.size() != kJson.size()) return false;
  for (size_t i = 0; i < media.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(media[i])) != kJson[i]) return false;
  return true;
}

Result<std::string> DecodeContentEncoding(std::string_view body, std::string_view enc, int64_t max_bytes) {
  if (enc.empty() || enc == "snappy") {
    if (static_cast<int64_t>(body.size()) > max_bytes) return TooLarge(static_cast<int64_t>(body.size()), max_bytes);
    return std::string(body);
  }
  if (enc == "gzip") return Inflate(body, 31, max_bytes, "gzip");
  if (enc == "deflate") return Inflate(body, LooksZlib(body) ? 15 : -15, max_bytes, "flate");
  return Status::Invalid("Content-Encoding \"" + std::string(enc) + "\" not supported");
}

Result<std::vector<RawStream>> DecodeProtobufPush(std::string_view body, int64_t max_bytes) {
  size_t ulen = 0;
  if (!snappy::GetUncompressedLength(body.data(), body.size(), &ulen))
    return Status::Invalid("snappy: corrupt input");
  if (static_cast<int64_t>(ulen) > max_bytes || ulen > static_cast<size_t>(std::numeric_limits<int>::max()))
    return TooLarge(static_cast<int64_t>(ulen), max_bytes);
  // Inflated into a pooled buffer: a fresh megabyte per push cost page faults and zero-filling
  // that showed as a third of the store's push CPU (#19).
  PooledBuffer raw(InflatePool());
  raw->resize(ulen);
  if (!snappy::RawUncompress(body.data(), body.size(), raw->data())) return Status::Invalid("snappy: corrupt input");
  StreamCollector col;
  // The plain shape every client sends, decoded directly; anything unusual goes to libprotobuf.
  std::vector<WireStream> wire;
  if (DecodePushWire(*raw, &wire)) {
    for (auto& [labels, entries] : wire) SKALD_RETURN_IF_ERROR(col.Add(std::move(labels), std::move(entries)));
    return col.Take();
  }
  // Parsed on an arena: entry and timestamp messages cost a bump allocation each and are freed
  // at once, instead of two mallocs and frees per entry (the lines are moved out either way).
  google::protobuf::Arena arena;
  auto* req = google::protobuf::Arena::CreateMessage<logproto::PushRequest>(&arena);
  if (!req->ParseFromArray(raw->data(), static_cast<int>(ulen)))
    return Status::Invalid("proto: cannot parse invalid wire-format data");
  for (auto& s : *req->mutable_streams()) {
    std::vector<LogEntry> entries;
    entries.reserve(s.entries_size());
    for (auto& e : *s.mutable_entries()) {
      LogEntry le;
      le.ts_ns = TimestampNs(e.timestamp().seconds(), e.timestamp().nanos());
      le.line = std::move(*e.mutable_line());
      le.metadata.reserve(e.structuredmetadata_size());
      for (auto& m : *e.mutable_structuredmetadata())
        le.metadata.push_back({std::move(*m.mutable_name()), std::move(*m.mutable_value())});
      entries.push_back(std::move(le));
    }
    SKALD_RETURN_IF_ERROR(col.Add(std::move(*s.mutable_labels()), std::move(entries)));
  }
  return col.Take();
}

Result<std::vector<RawStream>> DecodePushBody(std::string_view body, const PushBodyInfo& info) {
  const std::string_view enc = info.content_encoding;
  std::string inflated;
  if (!enc.empty() && enc != "snappy") {   // gzip/deflate: inflate first; otherwise decode in place
    auto decoded = DecodeContentEncoding(body, enc, info.max_decoded_bytes);
    if (!decoded.ok()) return decoded.status();
    inflated = std::move(*decoded);
    body = inflated;
  } else if (static_cast<int64_t>(body.size()) > info.max_decoded_bytes) {
    return TooLarge(static_cast<int64_t>(body.size()), info.max_decoded_bytes);
  }
  if (IsJsonContentType(info.content_type)) return DecodeJsonPush(body, info.legacy);
  return DecodeProtobufPush(body, info.max_decoded_bytes);
}

}  // namespace skald::ingest
