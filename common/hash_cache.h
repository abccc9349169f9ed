// HashCache: a (optionally bounded) map from a precomputed 64-bit hash to a value, open-addressed
// in one flat table. For per-line lookups (the collector's stream keys, a push batch's streams),
// where a node-based map's allocation, modulo and pointer chase showed up in profiles.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace skald {

// At most `cap` values; inserting beyond that clears the cache first. Values are stored in
// insertion order (references stay valid until the next Insert or Clear). A hash is a value's whole
// identity here: callers compare what they stored and overwrite the value on a collision.
template <typename V>
class HashCache {
 public:
  explicit HashCache(size_t cap = SIZE_MAX) : cap_(cap) {}

  V* Find(uint64_t h) {
    if (slots_.empty()) return nullptr;
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.index == 0) return nullptr;
      if (s.hash == h) return &values_[s.index - 1];
    }
  }
  // The value stored under `h` (a fresh V() when there was none).
  V& Insert(uint64_t h) {
    if (V* v = Find(h)) return *v;
    if (values_.size() >= cap_) Clear();
    if ((values_.size() + 1) * 2 > slots_.size()) Grow();
    size_t i = h & mask_;
    while (slots_[i].index != 0) i = (i + 1) & mask_;
    values_.emplace_back();
    slots_[i] = {h, static_cast<uint32_t>(values_.size())};
    return values_.back();
  }
  void Clear() {
    values_.clear();
    for (Slot& s : slots_) s = Slot{};
  }
  size_t size() const { return values_.size(); }

 private:
  struct Slot {
    uint64_t hash = 0;
    uint32_t index = 0;  // 1 + position in values_; 0 = empty
  };
  void Grow() {
    const size_t n = slots_.empty() ? 16 : slots_.size() * 2;
    std::vector<Slot> old(n);
    old.swap(slots_);
    mask_ = n - 1;
    for (const Slot& s : old) {
      if (s.index == 0) continue;
      size_t i = s.hash & mask_;
      while (slots_[i].index != 0) i = (i + 1) & mask_;
      slots_[i] = s;
    }
  }

  size_t cap_;
  size_t mask_ = 0;
  std::vector<Slot> slots_;
  std::vector<V> values_;
};

}  // namespace skald
