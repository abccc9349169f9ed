// Encoding and incremental decoding of the peer entry stream (see FORMAT.md).
#include "store/cluster/frame_format.h"

#include <fmt/format.h>

#include <cstring>

#include "store/fs/coding.h"
#include "store/fs/crc32c.h"

namespace skald::cluster {
namespace {

// Reserves the 9-byte frame header, returns its offset; SealFrame fills it once the payload is in.
size_t BeginFrame(std::string& out) {
  size_t at = out.size();
  out.append(kFrameOverhead, '\0');
  return at;
}

void SealFrame(std::string& out, size_t at, FrameType type) {
  const uint32_t len = static_cast<uint32_t>(out.size() - at - kFrameOverhead);
  out[at + 4] = static_cast<char>(type);
  uint32_t crc = fs::Crc32cExtend(0, out.data() + at + 4, 1);
  crc = fs::Crc32cExtend(crc, out.data() + at + kFrameOverhead, len);
  std::memcpy(out.data() + at, &len, 4);
  std::memcpy(out.data() + at + 5, &crc, 4);
}

Status DecodeEntry(std::string_view p, LogEntry* e) {
  uint64_t ts = 0, n = 0;
  std::string_view line;
  if (!fs::GetFixed64(p, &ts) || !fs::GetLengthPrefixed(p, &line) || !fs::GetVarint(p, &n) || n > p.size())
    return Status::Corruption("peer stream: short entry frame");
  e->ts_ns = static_cast<int64_t>(ts);
  e->line = std::string(line);
  for (uint64_t i = 0; i < n; i++) {
    std::string_view k, v;
    if (!fs::GetLengthPrefixed(p, &k) || !fs::GetLengthPrefixed(p, &v))
      return Status::Corruption("peer stream: short metadata");
    e->metadata.push_back({std::string(k), std::string(v)});
  }
  if (!p.empty()) return Status::Corruption("peer stream: trailing bytes in an entry frame");
  return Status::Ok();
}

}  // namespace

void AppendHeader(std::string& out) {
  out.append(kFrameMagic, 4);
  out.push_back(static_cast<char>(kFrameVersion));
  out.append(3, '\0');
}

void AppendStream(std::string& out, const LabelSet& labels) {
  size_t at = BeginFrame(out);
  out += labels.ToString();
  SealFrame(out, at, FrameType::kStream);
}

void AppendEntry(std::string& out, int64_t ts_ns, std::string_view line, const std::vector<Label>* metadata) {
  size_t at = BeginFrame(out);
  fs::PutFixed64(out, static_cast<uint64_t>(ts_ns));
  fs::PutLengthPrefixed(out, line);
  const size_t n = metadata ? metadata->size() : 0;
  fs::PutVarint(out, n);
  for (size_t i = 0; i < n; i++) {
    fs::PutLengthPrefixed(out, (*metadata)[i].name);
    fs::PutLengthPrefixed(out, (*metadata)[i].value);
  }
  SealFrame(out, at, FrameType::kEntry);
}

void AppendEnd(std::string& out, bool more) {
  size_t at = BeginFrame(out);
  out.push_back(more ? 1 : 0);
  SealFrame(out, at, FrameType::kEnd);
}

void AppendError(std::string& out, int http_status, std::string_view message) {
  size_t at = BeginFrame(out);
  const uint16_t s = static_cast<uint16_t>(http_status);
  out.append(reinterpret_cast<const char*>(&s), 2);
  out.append(message);
  SealFrame(out, at, FrameType::kError);
}

Status FrameDecoder::Feed(const char* data, size_t n) {
  if (ended_ && n > 0) return Status::Corruption("peer stream: bytes after the end frame");
  buf_.append(data, n);
  size_t pos = 0;
  if (!header_) {
    if (buf_.size() < kHeaderSize) return Status::Ok();
    if (std::memcmp(buf_.data(), kFrameMagic, 4) != 0) return Status::Corruption("peer stream: bad magic");
    if (static_cast<uint8_t>(buf_[4]) != kFrameVersion)
      return Status::Corruption(fmt::format("peer stream: unsupported version {}", static_cast<int>(buf_[4])));
    header_ = true;
    pos = kHeaderSize;
  }
  while (!ended_ && buf_.size() - pos >= kFrameOverhead) {
    const uint32_t len = fs::DecodeFixed32(buf_.data() + pos);
    if (len > kMaxFramePayload) return Status::Corruption(fmt::format("peer stream: frame of {} bytes", len));
    if (buf_.size() - pos - kFrameOverhead < len) break;
    const auto type = static_cast<FrameType>(buf_[pos + 4]);
    uint32_t crc = fs::Crc32cExtend(0, buf_.data() + pos + 4, 1);
    crc = fs::Crc32cExtend(crc, buf_.data() + pos + kFrameOverhead, len);
    if (crc != fs::DecodeFixed32(buf_.data() + pos + 5)) return Status::Corruption("peer stream: frame checksum mismatch");
    SKALD_RETURN_IF_ERROR(DecodeFrame(type, std::string_view(buf_).substr(pos + kFrameOverhead, len)));
    pos += kFrameOverhead + len;
  }
  buf_.erase(0, pos);
  if (ended_ && !buf_.empty()) return Status::Corruption("peer stream: bytes after the end frame");
  return Status::Ok();
}

Status FrameDecoder::DecodeFrame(FrameType type, std::string_view p) {
  switch (type) {
    case FrameType::kStream: {
      auto ls = LabelSet::Parse(p);
      if (!ls.ok()) return Status::Corruption("peer stream: bad labels: " + ls.status().message());
      return h_->OnStream(std::move(*ls)) ? Status::Ok() : Status(Code::kCancelled, "stopped");
    }
    case FrameType::kEntry: {
      LogEntry e;
      SKALD_RETURN_IF_ERROR(DecodeEntry(p, &e));
      return h_->OnEntry(std::move(e)) ? Status::Ok() : Status(Code::kCancelled, "stopped");
    }
    case FrameType::kEnd:
      if (p.size() != 1) return Status::Corruption("peer stream: bad end frame");
      ended_ = true;
      h_->OnEnd(p[0] & 1);
      return Status::Ok();
    case FrameType::kError: {
      if (p.size() < 2) return Status::Corruption("peer stream: bad error frame");
      uint16_t s;
      std::memcpy(&s, p.data(), 2);
      ended_ = true;
      h_->OnError(s, std::string(p.substr(2)));
      return Status::Ok();
    }
    default:
      return Status::Corruption(fmt::format("peer stream: unknown frame type {}", static_cast<int>(type)));
  }
}

Status FrameDecoder::Finish() const {
  if (!header_) return Status::Unavailable("peer stream: cut short before the header");
  if (!ended_) return Status::Unavailable("peer stream: cut short (no end frame)");
  return Status::Ok();
}

}  // namespace skald::cluster
