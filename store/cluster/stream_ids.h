// One stable stream id space per tenant over the local store and the write nodes: a stream keeps
// its local id when the local store has it, else gets a synthetic id mapped back to its labels.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include "common/labels.h"

namespace skald::cluster {

// Synthetic ids have this bit set; local ids (SQLite rowids, small) never do.
inline constexpr uint64_t kSyntheticIdBit = 1ULL << 62;

struct StreamRecord {
  LabelSet labels;
  std::optional<uint64_t> local_id;     // set once the local store reported the stream
  std::set<std::string> peers;          // base URLs of the write nodes that reported it
};

// Thread-safe. Grows with the streams seen (one record per tenant and label set).
class StreamIds {
 public:
  // The stream as the local store reported it: returns its id (the local one).
  uint64_t AddLocal(const std::string& tenant, const LabelSet& labels, uint64_t local_id);
  // The stream as a write node reported it: the local id when known, else a synthetic one.
  uint64_t AddPeer(const std::string& tenant, const LabelSet& labels, const std::string& peer);
  // The record for an id this class handed out (local or synthetic); nullopt when unknown.
  std::optional<StreamRecord> Lookup(const std::string& tenant, uint64_t id) const;

 private:
  struct Tenant {
    std::unordered_map<std::string, StreamRecord> by_labels;       // key: labels.ToString()
    std::unordered_map<uint64_t, std::string> by_id;               // local and synthetic ids
    std::unordered_map<std::string, uint64_t> synthetic;           // labels → its synthetic id
  };
  StreamRecord& Record(Tenant& t, const LabelSet& labels, const std::string& key);

  mutable std::mutex mu_;
  std::map<std::string, Tenant> tenants_;   // guarded by mu_
  uint64_t next_synthetic_ = 1;              // guarded by mu_
};

}  // namespace skald::cluster
