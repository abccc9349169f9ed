// ParseRetryAfter: delta-seconds, or an IMF-fixdate read with strptime + timegm (always UTC).
#include "collector/client/retry_after.h"

#include <ctime>
#include <string>

namespace skald::client {

namespace {
constexpr int64_t kMaxSeconds = 365LL * 24 * 3600;  // clamps absurd values before ns overflow

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}
}  // namespace

std::optional<int64_t> ParseRetryAfter(std::string_view value, int64_t now_unix_ns) {
  value = Trim(value);
  if (value.empty()) return std::nullopt;
  if (value.find_first_not_of("0123456789") == std::string_view::npos) {
    int64_t secs = 0;
    for (char c : value) {
      secs = secs * 10 + (c - '0');
      if (secs > kMaxSeconds) { secs = kMaxSeconds; break; }
    }
    return secs * 1'000'000'000LL;
  }
  const std::string text(value);
  std::tm tm{};
  const char* end = ::strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  const int64_t at_ns = static_cast<int64_t>(::timegm(&tm)) * 1'000'000'000LL;
  if (at_ns <= now_unix_ns) return 0;
  const int64_t wait = at_ns - now_unix_ns;
  return wait > kMaxSeconds * 1'000'000'000LL ? kMaxSeconds * 1'000'000'000LL : wait;
}

}  // namespace skald::client
