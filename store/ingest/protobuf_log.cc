// The libprotobuf log handler: counts every message, writes FATAL ones as errors and the rest as
// rate-limited debug lines (see protobuf_log.h).
#include "store/ingest/protobuf_log.h"

#include <google/protobuf/stubs/logging.h>

#include <chrono>
#include <string>

#include "common/logger.h"
#include "common/metrics.h"

namespace skald::ingest {

bool LogLineLimiter::Allow(int64_t now_ns, uint64_t* suppressed) {
  std::lock_guard<std::mutex> lock(mu_);
  if (any_ && now_ns - last_ns_ < window_ns_) {
    held_++;
    return false;
  }
  *suppressed = held_;
  any_ = true;
  last_ns_ = now_ns;
  held_ = 0;
  return true;
}

namespace {

constexpr int64_t kWindowNs = 10'000'000'000;  // one line per 10 s

struct State {
  metrics::Counter& messages = metrics::Registry::Default().NewCounter(
      "skald_protobuf_log_messages_total", "Messages libprotobuf logged (e.g. invalid UTF-8 in a pushed string field).");
  metrics::Counter& suppressed = metrics::Registry::Default().NewCounter(
      "skald_protobuf_log_suppressed_total", "libprotobuf messages not logged because of the one-per-10s limit.");
  LogLineLimiter limiter{kWindowNs};
};

State& GetState() {
  static State* s = new State();  // never destroyed: protobuf may log during static destruction
  return *s;
}

const char* LevelName(google::protobuf::LogLevel level) {
  switch (level) {
    case google::protobuf::LOGLEVEL_INFO: return "INFO";
    case google::protobuf::LOGLEVEL_WARNING: return "WARNING";
    case google::protobuf::LOGLEVEL_ERROR: return "ERROR";
    default: return "FATAL";
  }
}

void Handle(google::protobuf::LogLevel level, const char* file, int line, const std::string& message) {
  State& s = GetState();
  s.messages.Inc();
  std::string caller = std::string(file ? file : "?") + ":" + std::to_string(line);
  if (level == google::protobuf::LOGLEVEL_FATAL) {
    SKALD_LOG(error, "libprotobuf fatal error", {{"caller_pb", caller}, {"err", message}});
    return;
  }
  auto now = std::chrono::steady_clock::now().time_since_epoch();
  uint64_t held = 0;
  if (!s.limiter.Allow(std::chrono::duration_cast<std::chrono::nanoseconds>(now).count(), &held)) {
    s.suppressed.Inc();
    return;
  }
  SKALD_LOG(debug, "libprotobuf message (invalid input)",
            {{"level_pb", LevelName(level)}, {"caller_pb", caller}, {"err", message}, {"suppressed", held}});
}

}  // namespace

void InstallProtobufLogHandler() {
  static std::once_flag once;
  std::call_once(once, [] {
    GetState();
    google::protobuf::SetLogHandler(&Handle);
  });
}

ProtobufLogCounts GetProtobufLogCounts() {
  State& s = GetState();
  return {static_cast<uint64_t>(s.messages.Value()), static_cast<uint64_t>(s.suppressed.Value())};
}

}  // namespace skald::ingest
