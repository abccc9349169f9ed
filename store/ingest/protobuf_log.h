// libprotobuf's log output routed into Skald's logger: a push whose string fields hold invalid
// UTF-8 makes libprotobuf log an ERROR per request, which would let one client flood stderr.
#pragma once

#include <cstdint>
#include <mutex>

namespace skald::ingest {

// At most one line per `window_ns`; what falls in between is counted and reported with the next
// line. Thread-safe.
class LogLineLimiter {
 public:
  explicit LogLineLimiter(int64_t window_ns) : window_ns_(window_ns) {}
  // True when a line may be written at `now_ns`; then *suppressed is the number of lines held back
  // since the previous one written.
  bool Allow(int64_t now_ns, uint64_t* suppressed);

 private:
  const int64_t window_ns_;
  std::mutex mu_;
  bool any_ = false;
  int64_t last_ns_ = 0;
  uint64_t held_ = 0;
};

// Installs the handler for the whole process (later calls do nothing). libprotobuf's INFO, WARNING
// and ERROR messages are all about the input being parsed or serialized (a request's 400 reports
// the failure itself), so they become debug lines, at most one per 10 s; FATAL becomes an error
// line. Counted in skald_protobuf_log_messages_total and skald_protobuf_log_suppressed_total.
// Call at start-up, before any thread parses protobuf (SetLogHandler is not thread-safe).
void InstallProtobufLogHandler();

struct ProtobufLogCounts {
  uint64_t messages = 0;    // every message libprotobuf logged since InstallProtobufLogHandler
  uint64_t suppressed = 0;  // of those, not written because of the rate limit
};
ProtobufLogCounts GetProtobufLogCounts();

}  // namespace skald::ingest
