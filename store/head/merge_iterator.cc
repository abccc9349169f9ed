// The merge keeps a heap of (timestamp, source order, entry index). A source enters the heap keyed by
// its block bound and is decompressed only when that bound reaches the top, so a query that stops
// after 100 lines touches only the newest (or oldest) blocks; a deferred source (a chunk) is
// expanded into its blocks only then, so neither are the other chunks' headers read.
#include "store/head/merge_iterator.h"

#include <algorithm>
#include <queue>

namespace skald::head {
namespace {

// Smallest key pops first. Backward negates ts, source order and index so one comparison serves both.
struct Item {
  int64_t ts;
  int64_t order;      // source order
  int loaded;         // 0 = bound of an unloaded source: sorts first among equals
  int64_t idx;        // entry index
  size_t src;
};

class MergeIter : public EntryIterator {
 public:
  MergeIter(std::vector<std::unique_ptr<EntrySource>> s, int64_t start, int64_t end, Direction dir)
      : srcs_(std::move(s)), start_(start), end_(end), fwd_(dir == Direction::kForward), heap_(Cmp{fwd_}) {
    for (size_t i = 0; i < srcs_.size(); ++i) {
      order_.push_back(static_cast<int64_t>(i) << kPartBits);
      Bound(i);
    }
  }

  bool Next() override {
    if (release_ != SIZE_MAX) {   // freed once the timestamp moves on: seen_ may point into it
      deferred_.push_back(release_);
      release_ = SIZE_MAX;
    }
    while (!heap_.empty() && st_.ok()) {
      Item it = heap_.top();
      heap_.pop();
      if (!it.loaded) {
        Enter(it.src);
        continue;
      }
      EntrySource& s = *srcs_[it.src];
      size_t i = static_cast<size_t>(fwd_ ? it.idx : -it.idx);
      Advance(it, s, i);
      if (IsDuplicate(s.ts(i), s.line(i))) continue;
      view_ = EntryView{s.ts(i), s.line(i), s.metadata(i)};
      return true;
    }
    return false;
  }
  const EntryView& At() const override { return view_; }
  Status status() const override { return st_; }

 private:
  struct Cmp {
    bool fwd;
    // priority_queue pops the largest, so "greater" makes it pop the smallest key.
    bool operator()(const Item& a, const Item& b) const {
      return std::tie(a.ts, a.order, a.loaded, a.idx) > std::tie(b.ts, b.order, b.loaded, b.idx);
    }
  };
  // A deferred source's parts sort right after it, before the next source: ties keep arrival order.
  static constexpr int kPartBits = 20;

  Item Make(int64_t ts, size_t src, int loaded, size_t idx) const {
    const int64_t s = order_[src], i = static_cast<int64_t>(idx);
    return fwd_ ? Item{ts, s, loaded, i, src} : Item{-ts, -s, loaded, -i, src};
  }

  // Queues source i keyed by its bound, when it overlaps the range.
  void Bound(size_t i) {
    const EntrySource& x = *srcs_[i];
    if (x.max_ts() < start_ || x.min_ts() >= end_) return;
    heap_.push(Make(fwd_ ? x.min_ts() : x.max_ts(), i, 0, 0));
  }

  // Replaces a deferred source by its parts.
  void Expand(size_t src) {
    std::vector<std::unique_ptr<EntrySource>> parts;
    st_ = srcs_[src]->Expand(&parts);
    if (!st_.ok()) return;
    for (size_t j = 0; j < parts.size() && j + 1 < (size_t{1} << kPartBits); ++j) {
      srcs_.push_back(std::move(parts[j]));
      order_.push_back(order_[src] + static_cast<int64_t>(j) + 1);
      Bound(srcs_.size() - 1);
    }
  }

  void Enter(size_t src) {
    EntrySource& s = *srcs_[src];
    if (s.deferred()) return Expand(src);
    st_ = s.Load();
    if (!st_.ok() || s.size() == 0) return;
    size_t n = s.size(), i;
    if (fwd_) {
      for (i = 0; i < n && s.ts(i) < start_; ++i) {}
      if (i < n && s.ts(i) < end_) heap_.push(Make(s.ts(i), src, 1, i));
      else s.Release();
    } else {
      for (i = n; i > 0 && s.ts(i - 1) >= end_; --i) {}
      if (i > 0 && s.ts(i - 1) >= start_)
        heap_.push(Make(s.ts(i - 1), src, 1, i - 1));
      else s.Release();
    }
  }

  // Queues the source's next entry, or marks it for release after this entry is consumed.
  void Advance(const Item& it, EntrySource& s, size_t i) {
    if (fwd_ && i + 1 < s.size() && s.ts(i + 1) < end_) {
      heap_.push(Make(s.ts(i + 1), it.src, 1, i + 1));
    } else if (!fwd_ && i > 0 && s.ts(i - 1) >= start_) {
      heap_.push(Make(s.ts(i - 1), it.src, 1, i - 1));
    } else {
      release_ = it.src;
    }
  }

  bool IsDuplicate(int64_t ts, std::string_view line) {
    if (ts != last_ts_) {
      last_ts_ = ts;
      seen_.clear();
      for (size_t d : deferred_) srcs_[d]->Release();
      deferred_.clear();
    }
    for (const auto& l : seen_)
      if (l == line) return true;
    seen_.push_back(line);
    return false;
  }

  std::vector<std::unique_ptr<EntrySource>> srcs_;
  std::vector<int64_t> order_;   // per source: its tie-break rank
  int64_t start_, end_;
  bool fwd_;
  std::priority_queue<Item, std::vector<Item>, Cmp> heap_;
  EntryView view_;
  Status st_;
  size_t release_ = SIZE_MAX;
  int64_t last_ts_ = INT64_MIN;
  std::vector<std::string_view> seen_;   // lines at last_ts_ (views into loaded sources)
  std::vector<size_t> deferred_;         // exhausted sources, released when the timestamp changes
};

class ErrorIter : public EntryIterator {
 public:
  explicit ErrorIter(Status st) : st_(std::move(st)) {}
  bool Next() override { return false; }
  const EntryView& At() const override { return v_; }
  Status status() const override { return st_; }

 private:
  Status st_;
  EntryView v_;
};

}  // namespace

std::unique_ptr<EntryIterator> NewMergeIterator(std::vector<std::unique_ptr<EntrySource>> sources,
                                                int64_t start, int64_t end, Direction dir) {
  return std::make_unique<MergeIter>(std::move(sources), start, end, dir);
}

std::unique_ptr<EntryIterator> NewErrorIterator(Status st) { return std::make_unique<ErrorIter>(std::move(st)); }

}  // namespace skald::head
