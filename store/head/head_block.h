// HeadBlock: the open, uncompressed tail of one stream (entries in arrival order), and SortedBlock,
// the immutable, time-sorted form it is sealed into before compression or a read snapshot.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/labels.h"
#include "store/chunk/block.h"

namespace skald::head {

// Lines live in fixed-size pages (a line never straddles two), so a growing head never copies or
// over-allocates the way one doubling buffer would.
struct SortedBlock {
  static constexpr size_t kPageSize = 64 << 10;
  struct Entry {
    int64_t ts;
    uint32_t page, off, len;
    int32_t meta;            // index into metas, -1 = none
  };
  std::vector<std::string> pages;
  size_t bytes = 0;          // sum of line lengths
  std::vector<Entry> ents;
  std::vector<std::vector<Label>> metas;
  int64_t min_ts = INT64_MAX, max_ts = INT64_MIN;

  size_t size() const { return ents.size(); }
  int64_t ts(size_t i) const { return ents[i].ts; }
  std::string_view line(size_t i) const { return {pages[ents[i].page].data() + ents[i].off, ents[i].len}; }
  // Copies a line in, starting a new page when it does not fit the current one.
  void AddLine(int64_t ts, std::string_view line, int32_t meta);
  const std::vector<Label>* metadata(size_t i) const { return ents[i].meta < 0 ? nullptr : &metas[ents[i].meta]; }
  std::vector<chunk::EntryRef> Refs() const;
};
using SortedPtr = std::shared_ptr<const SortedBlock>;

// Not thread-safe: the ingester's lock guards it.
class HeadBlock {
 public:
  void Append(int64_t ts, std::string_view line, const std::vector<Label>& metadata);
  // True if an entry with this exact timestamp and line is already here.
  bool HasDuplicate(int64_t ts, std::string_view line) const;
  // Sorts (stable, so equal timestamps keep arrival order) and hands the entries over; empties this.
  SortedPtr Seal();
  // A sorted copy of the entries in [start, end).
  SortedPtr Snapshot(int64_t start, int64_t end) const;

  size_t bytes() const { return b_.bytes; }
  size_t size() const { return b_.ents.size(); }
  bool empty() const { return b_.ents.empty(); }
  int64_t min_ts() const { return b_.min_ts; }
  int64_t max_ts() const { return b_.max_ts; }

 private:
  SortedBlock b_;       // unsorted while open
  bool sorted_ = true;
};

}  // namespace skald::head
