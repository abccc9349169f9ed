// A k-way merge of entry iterators in one direction that yields an entry identical to one already
// yielded (same timestamp, line and structured metadata) only once: the same push can sit in the
// bucket and on a write node, or on two write nodes when a client pushed to both.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "store/head/store_reader.h"

namespace skald::cluster {

class DedupMergeIterator : public EntryIterator {
 public:
  DedupMergeIterator(std::vector<std::unique_ptr<EntryIterator>> inputs, Direction dir);
  bool Next() override;
  const EntryView& At() const override { return view_; }
  // The first input's error (the merge stops at it).
  Status status() const override { return status_; }

 private:
  bool Before(size_t a, size_t b) const;   // input a's current entry comes first
  void Advance(size_t i);
  static std::string Key(const EntryView& e);

  std::vector<std::unique_ptr<EntryIterator>> in_;
  Direction dir_;
  std::vector<size_t> heap_;              // inputs that have a current entry
  bool started_ = false;
  Status status_;
  // The entry yielded last, owned (inputs' views die on their next Next()).
  std::string line_;
  std::vector<Label> metadata_;
  EntryView view_;
  int64_t group_ts_ = 0;
  std::set<std::string> group_;           // keys yielded at group_ts_
};

}  // namespace skald::cluster
