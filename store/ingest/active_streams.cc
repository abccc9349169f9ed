// ActiveStreams: last-push times per fingerprint; idle ones expire when the limit is reached.
#include "store/ingest/active_streams.h"

namespace skald::ingest {

ActiveStreams::ActiveStreams(int64_t max_streams, int64_t idle_ns) : max_(max_streams), idle_ns_(idle_ns) {}

void ActiveStreams::ExpireIdle(std::unordered_map<uint64_t, int64_t>* streams, int64_t now_ns) {
  for (auto it = streams->begin(); it != streams->end();)
    it = now_ns - it->second > idle_ns_ ? streams->erase(it) : std::next(it);
}

bool ActiveStreams::Admit(const std::string& tenant, uint64_t fp, int64_t now_ns) {
  if (max_ <= 0) return true;  // unlimited: nothing to count
  std::lock_guard<std::mutex> l(mu_);
  auto& streams = tenants_[tenant];
  auto it = streams.find(fp);
  if (it != streams.end()) {
    it->second = now_ns;
    return true;
  }
  if (static_cast<int64_t>(streams.size()) >= max_) {
    ExpireIdle(&streams, now_ns);
    if (static_cast<int64_t>(streams.size()) >= max_) return false;
  }
  streams.emplace(fp, now_ns);
  return true;
}

size_t ActiveStreams::Count(const std::string& tenant) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = tenants_.find(tenant);
  return it == tenants_.end() ? 0 : it->second.size();
}

}  // namespace skald::ingest
