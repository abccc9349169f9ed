// Promtail's limits_config applied to each read line: readline_rate/readline_burst (token bucket,
// drop or wait) and max_line_size (drop or truncate).
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include "collector/collector_config.h"

namespace skald::tail {

enum class LimitVerdict { kPass, kTruncate, kDrop, kWait };

// Not thread-safe: one per tail loop.
class LineLimits {
 public:
  explicit LineLimits(const CollectorLimitsConfig& cfg);
  // Decides for a line of `size` bytes at `now_ns`. kTruncate: keep the first max_line_size bytes.
  // kWait: rate limited with readline_rate_drop=false; the caller retries the line later.
  LimitVerdict Check(size_t size, int64_t now_ns);
  size_t max_line_size() const { return static_cast<size_t>(cfg_.max_line_size); }
  // False when Check ignores its clock argument (no readline rate): callers may skip reading it.
  bool needs_clock() const { return cfg_.readline_rate_enabled; }

 private:
  CollectorLimitsConfig cfg_;
  double tokens_;
  int64_t last_ns_ = 0;
};

// UTF-8 safe cut: the longest prefix of `s` with at most `n` bytes not splitting a code point.
std::string_view TruncateUtf8(std::string_view s, size_t n);

}  // namespace skald::tail
