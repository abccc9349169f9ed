// The de-duplicating k-way merge (see dedup_merge_iterator.h).
#include "store/cluster/dedup_merge_iterator.h"

#include <algorithm>

namespace skald::cluster {

DedupMergeIterator::DedupMergeIterator(std::vector<std::unique_ptr<EntryIterator>> inputs, Direction dir)
    : in_(std::move(inputs)), dir_(dir) {}

// Ties on the timestamp go to the lower input index, so the order is deterministic.
bool DedupMergeIterator::Before(size_t a, size_t b) const {
  const int64_t ta = in_[a]->At().ts_ns, tb = in_[b]->At().ts_ns;
  if (ta != tb) return dir_ == Direction::kForward ? ta < tb : ta > tb;
  return a < b;
}

void DedupMergeIterator::Advance(size_t i) {
  if (in_[i]->Next()) {
    heap_.push_back(i);
    std::push_heap(heap_.begin(), heap_.end(), [this](size_t a, size_t b) { return Before(b, a); });
  } else if (status_.ok() && !in_[i]->status().ok()) {
    status_ = in_[i]->status();
  }
}

std::string DedupMergeIterator::Key(const EntryView& e) {
  std::string k(e.line);
  if (e.metadata != nullptr && !e.metadata->empty()) {
    std::vector<Label> md = *e.metadata;
    std::sort(md.begin(), md.end());
    for (const auto& l : md) {
      k.push_back('\0');
      k += l.name;
      k.push_back('\0');
      k += l.value;
    }
  }
  return k;
}

bool DedupMergeIterator::Next() {
  auto cmp = [this](size_t a, size_t b) { return Before(b, a); };
  if (!started_) {
    started_ = true;
    for (size_t i = 0; i < in_.size(); i++) Advance(i);
  }
  while (status_.ok() && !heap_.empty()) {
    std::pop_heap(heap_.begin(), heap_.end(), cmp);
    const size_t i = heap_.back();
    heap_.pop_back();
    const EntryView& e = in_[i]->At();
    if (e.ts_ns != group_ts_ || group_.empty()) {
      group_.clear();
      group_ts_ = e.ts_ns;
    }
    bool fresh = group_.insert(Key(e)).second;
    if (fresh) {
      line_.assign(e.line);
      if (e.metadata != nullptr) metadata_ = *e.metadata;
      else metadata_.clear();
      view_ = EntryView{e.ts_ns, line_, metadata_.empty() ? nullptr : &metadata_};
    }
    Advance(i);
    if (fresh) return status_.ok();
  }
  return false;
}

}  // namespace skald::cluster
