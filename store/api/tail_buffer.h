// The entries a live tail has yet to send: filled by pushing threads and remote tails, drained by
// the tail ticker in timestamp order, with optional de-duplication and Loki's dropped entries.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/labels.h"
#include "store/api/live_tail_source.h"

namespace skald::api {

struct TailedEntry {
  std::string labels;   // set.ToString(): frames group entries by it
  LabelSet set;
  int64_t ts_ns = 0;
  std::string line;
  std::chrono::steady_clock::time_point arrived;   // for delay_for
};

// Remembers the last `capacity` entries (labels, timestamp, line) by a 128-bit digest, and how
// often each source sent each: several write nodes holding the same push, a remote tail resuming
// after a reconnect (a new source), and the history part overlapping the live one each yield such
// an entry more than once. A source never repeats itself, so its n-th copy of an entry is new only
// when no source has sent n yet: distinct raw entries that look alike after the pipeline
// (line_format, same timestamp) all pass. Not thread-safe.
class TailDedup {
 public:
  explicit TailDedup(size_t capacity) : capacity_(capacity) {}
  // True when `source` sends this entry more often than any source did before (and counts it).
  bool FirstSeen(uint64_t source, const std::string& labels, int64_t ts_ns, std::string_view line);
  size_t size() const { return order_.size(); }

 private:
  using Key = std::pair<uint64_t, uint64_t>;
  struct KeyHash {
    size_t operator()(const Key& k) const { return k.first ^ (k.second * 0x9e3779b97f4a7c15ULL); }
  };
  struct Seen {
    uint32_t most = 0;                                      // the largest count of any source
    std::vector<std::pair<uint64_t, uint32_t>> by_source;   // source, count
  };
  size_t capacity_;
  std::deque<Key> order_;
  std::unordered_map<Key, Seen, KeyHash> seen_;
};

// Thread-safe.
class TailBuffer {
 public:
  // `max_entries` queued at most (the excess becomes dropped entries); `dedup` > 0 turns
  // de-duplication on, remembering that many entries.
  explicit TailBuffer(size_t max_entries = 10000, size_t dedup = 0);

  enum class Added { kQueued, kDuplicate, kDropped };
  // `source`: kLocalSource, or a remote connection's number (live_tail_source.h).
  Added Add(uint64_t source, LabelSet set, int64_t ts_ns, std::string line,
            std::chrono::steady_clock::time_point arrived = std::chrono::steady_clock::now());
  // Counts a history entry (kHistorySource) as sent so that a later copy is left out. False when
  // a live source already queued it: the history part should leave it out instead (not sent yet).
  bool Remember(const LabelSet& set, int64_t ts_ns, std::string_view line);
  // An entry some other side dropped: reported in the next frame's dropped_entries.
  void AddDropped(int64_t ts_ns, LabelSet set);
  // Ends the tail at the next drain with this reason (the first one wins).
  void Fail(std::string reason);

  struct Batch {
    std::vector<TailedEntry> entries;                      // oldest timestamp first
    std::vector<std::pair<int64_t, LabelSet>> dropped;
    std::string fail;                                      // non-empty: end the tail
  };
  // Takes the entries that arrived at or before `ready_before`, sorted by timestamp (stable:
  // equal timestamps keep their arrival order), and every dropped entry.
  Batch Drain(std::chrono::steady_clock::time_point ready_before);
  bool dedup_enabled() const { return dedup_on_; }

 private:
  const size_t max_entries_;
  const bool dedup_on_;
  std::mutex mu_;
  std::deque<TailedEntry> entries_;                       // guarded by mu_, in arrival order
  std::vector<std::pair<int64_t, LabelSet>> dropped_;     // guarded by mu_
  TailDedup dedup_;                                       // guarded by mu_
  std::string fail_;                                      // guarded by mu_
};

}  // namespace skald::api
