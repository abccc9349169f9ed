// Decoder for Docker's json-file log driver records (`{"log":"..\n","stream":"stdout","time":".."}`):
// yields messages without the line end ("\n" or "\r\n"), joining the 16 KiB partial records Docker splits.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace skald::tail {

enum class DockerStream : uint8_t { kStdout = 0, kStderr = 1 };
std::string_view DockerStreamName(DockerStream s);

// One complete message. `line` is valid until the next Decode call.
struct DockerMessage {
  std::string_view line;
  int64_t ts_ns = 0;
  DockerStream stream = DockerStream::kStdout;
};

// Stateful per-file decoder (partial lines are joined per stream). Not thread-safe.
class DockerJsonDecoder {
 public:
  DockerJsonDecoder();
  ~DockerJsonDecoder();
  DockerJsonDecoder(const DockerJsonDecoder&) = delete;
  DockerJsonDecoder& operator=(const DockerJsonDecoder&) = delete;

  // `record` is one line of the file without '\n'; `readable` bytes from record.data() may be read
  // (simdjson needs padding: pass readable >= record.size() + 64 to avoid a copy).
  // Returns true and fills `out` when a complete message is ready; false for a partial fragment.
  // The line end is removed the way Promtail's docker target reads the log stream (Go's
  // bufio.Reader.ReadLine): "\n", or "\r\n" as a whole (a `docker run -t` container's lines).
  // A record that is not json-file JSON is an error (the caller may pass it through raw).
  Result<bool> Decode(std::string_view record, size_t readable, DockerMessage* out);

  // The target ended (container stopped or removed): hands out `stream`'s unfinished line, i.e. the
  // container's last output written without a newline, as it is. False when nothing is pending.
  // `out->line` is valid until the next Decode/TakePending call.
  bool TakePending(DockerStream stream, DockerMessage* out);

  // Bytes held in unfinished partial lines (both streams).
  size_t pending_bytes() const { return partial_[0].size() + partial_[1].size(); }
  // Caps a joined partial line; longer messages are emitted in pieces of this size.
  void set_max_joined_bytes(size_t n) { max_joined_ = n; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string partial_[2];
  int64_t partial_ts_[2] = {0, 0};
  std::string scratch_;
  size_t max_joined_ = 4 << 20;
};

}  // namespace skald::tail
