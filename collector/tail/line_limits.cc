// Token bucket and line-size limits for tailed lines.
#include "collector/tail/line_limits.h"

#include <algorithm>

namespace skald::tail {

LineLimits::LineLimits(const CollectorLimitsConfig& cfg) : cfg_(cfg), tokens_(cfg.readline_burst) {}

LimitVerdict LineLimits::Check(size_t size, int64_t now_ns) {
  if (cfg_.readline_rate_enabled) {
    if (last_ns_ != 0 && now_ns > last_ns_) {
      tokens_ = std::min<double>(cfg_.readline_burst,
                                 tokens_ + cfg_.readline_rate * static_cast<double>(now_ns - last_ns_) / 1e9);
    }
    last_ns_ = now_ns;
    if (tokens_ < 1.0) return cfg_.readline_rate_drop ? LimitVerdict::kDrop : LimitVerdict::kWait;
    tokens_ -= 1.0;
  }
  if (cfg_.max_line_size > 0 && size > static_cast<size_t>(cfg_.max_line_size)) {
    return cfg_.max_line_size_truncate ? LimitVerdict::kTruncate : LimitVerdict::kDrop;
  }
  return LimitVerdict::kPass;
}

std::string_view TruncateUtf8(std::string_view s, size_t n) {
  if (s.size() <= n) return s;
  size_t cut = n;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut);
}

}  // namespace skald::tail
