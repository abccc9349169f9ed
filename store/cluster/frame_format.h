// The peer entry stream (FORMAT.md): a header, then CRC-checked frames carrying stream label sets,
// entries, an end marker or an error. Encoder functions and an incremental decoder share it here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/labels.h"
#include "common/log_entry.h"
#include "common/status.h"

namespace skald::cluster {

inline constexpr char kFrameMagic[4] = {'S', 'K', 'P', 'E'};
inline constexpr uint8_t kFrameVersion = 1;
inline constexpr size_t kHeaderSize = 8;        // magic, version, 3 reserved zero bytes
inline constexpr size_t kFrameOverhead = 9;     // length u32, type u8, crc u32
inline constexpr uint32_t kMaxFramePayload = 64u << 20;
inline constexpr const char* kFrameContentType = "application/x-skald-peer-entries";

enum class FrameType : uint8_t {
  kReserved = 0,   // never written: a zeroed region is not a frame
  kStream = 1,     // payload: the label set, Prometheus text form
  kEntry = 2,      // payload: ts i64 LE, varint line length + line, varint n, n × (name, value)
  kEnd = 3,        // payload: flags u8 (bit 0: more entries than this page held)
  kError = 4,      // payload: HTTP status u16 LE, then the message
};

void AppendHeader(std::string& out);
void AppendStream(std::string& out, const LabelSet& labels);
void AppendEntry(std::string& out, int64_t ts_ns, std::string_view line, const std::vector<Label>* metadata);
void AppendEnd(std::string& out, bool more);
void AppendError(std::string& out, int http_status, std::string_view message);

// What a decoded body held; callbacks return false to stop decoding (Feed then returns Cancelled).
class FrameHandler {
 public:
  virtual ~FrameHandler() = default;
  virtual bool OnStream(LabelSet labels) = 0;
  virtual bool OnEntry(LogEntry entry) = 0;
  virtual void OnEnd(bool more) = 0;
  virtual void OnError(int http_status, std::string message) = 0;
};

// Incremental: Feed bytes as they arrive, then Finish (an error when the end or error frame never
// came: the peer died mid-answer). Not thread-safe.
class FrameDecoder {
 public:
  explicit FrameDecoder(FrameHandler* h) : h_(h) {}
  Status Feed(const char* data, size_t n);
  Status Finish() const;

 private:
  Status DecodeFrame(FrameType type, std::string_view payload);
  FrameHandler* h_;
  std::string buf_;
  bool header_ = false;
  bool ended_ = false;
};

}  // namespace skald::cluster
