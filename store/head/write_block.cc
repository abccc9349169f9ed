// WriteBlock episodes: a reason's first Set logs at warn and raises its gauge, Clear logs at info
// and lowers it; requests in between only read the mask.
#include "store/head/write_block.h"

#include "common/logger.h"
#include "store/head/ingester_metrics.h"

namespace skald::head {

const char* WriteBlock::Name(Reason r) {
  switch (r) {
    case kWal: return "wal";
    case kFlush: return "flush";
    case kDiskSpace: return "disk_space";
    default: return "unknown";
  }
}

void WriteBlock::Set(Reason r, const std::string& why) {
  bool started;
  {
    std::lock_guard<std::mutex> lk(mu_);
    why_[r] = why;
    started = (mask_.fetch_or(1u << r, std::memory_order_acq_rel) & (1u << r)) == 0;
  }
  if (!started) return;
  IngesterMetrics::Get().write_blocked.WithLabelValues({Name(r)}).Set(1);
  SKALD_LOG(warn, "refusing pushes (503) until writes work again", {{"reason", Name(r)}, {"err", why}});
}

void WriteBlock::Clear(Reason r) {
  if (!has(r)) return;
  bool ended;
  {
    std::lock_guard<std::mutex> lk(mu_);
    ended = (mask_.fetch_and(~(1u << r), std::memory_order_acq_rel) & (1u << r)) != 0;
    why_[r].clear();
  }
  if (!ended) return;
  IngesterMetrics::Get().write_blocked.WithLabelValues({Name(r)}).Set(0);
  SKALD_LOG(info, "writes work again; accepting pushes", {{"reason", Name(r)}});
}

std::string WriteBlock::Message() const {
  if (!any()) return "";
  std::lock_guard<std::mutex> lk(mu_);
  std::string out;
  for (int r = 0; r < kCount; ++r) {
    if ((mask_.load(std::memory_order_relaxed) & (1u << r)) == 0) continue;
    if (!out.empty()) out += "; ";
    out += std::string(Name(static_cast<Reason>(r))) + ": " + why_[r];
  }
  return out;
}

}  // namespace skald::head
