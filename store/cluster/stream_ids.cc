// The per-tenant id mapping of the federated reader (see stream_ids.h).
#include "store/cluster/stream_ids.h"

namespace skald::cluster {

StreamRecord& StreamIds::Record(Tenant& t, const LabelSet& labels, const std::string& key) {
  auto [it, fresh] = t.by_labels.try_emplace(key);
  if (fresh) it->second.labels = labels;
  return it->second;
}

uint64_t StreamIds::AddLocal(const std::string& tenant, const LabelSet& labels, uint64_t local_id) {
  const std::string key = labels.ToString();
  std::lock_guard lock(mu_);
  Tenant& t = tenants_[tenant];
  StreamRecord& r = Record(t, labels, key);
  r.local_id = local_id;
  t.by_id[local_id] = key;
  return local_id;
}

uint64_t StreamIds::AddPeer(const std::string& tenant, const LabelSet& labels, const std::string& peer) {
  const std::string key = labels.ToString();
  std::lock_guard lock(mu_);
  Tenant& t = tenants_[tenant];
  StreamRecord& r = Record(t, labels, key);
  r.peers.insert(peer);
  if (r.local_id) return *r.local_id;
  auto [it, fresh] = t.synthetic.try_emplace(key, 0);
  if (fresh) {
    it->second = kSyntheticIdBit | next_synthetic_++;
    t.by_id[it->second] = key;
  }
  return it->second;
}

std::optional<StreamRecord> StreamIds::Lookup(const std::string& tenant, uint64_t id) const {
  std::lock_guard lock(mu_);
  auto t = tenants_.find(tenant);
  if (t == tenants_.end()) return std::nullopt;
  auto k = t->second.by_id.find(id);
  if (k == t->second.by_id.end()) return std::nullopt;
  return t->second.by_labels.at(k->second);
}

}  // namespace skald::cluster
