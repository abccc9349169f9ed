// Query-time retention and deletion: clamps reads to each stream's cutoff, filters deleted lines
// out of entry iterators, and replaces summaries that straddle a cutoff or a delete window by
// exact ones computed from the filtered entries (so count_over_time and volume stay right).
#include "store/retention/retention_reader.h"

#include <algorithm>
#include <chrono>
#include <set>

namespace skald::retention {
namespace {

class EmptyIterator : public EntryIterator {
 public:
  bool Next() override { return false; }
  const EntryView& At() const override { return v_; }
  Status status() const override { return Status::Ok(); }

 private:
  EntryView v_;
};

class FilterIterator : public EntryIterator {
 public:
  FilterIterator(std::unique_ptr<EntryIterator> in, std::unique_ptr<LineDeleter> d)
      : in_(std::move(in)), d_(std::move(d)) {}
  bool Next() override {
    while (in_->Next()) {
      const EntryView& e = in_->At();
      if (!d_->Deleted(e.ts_ns, e.line, e.metadata)) return true;
    }
    return false;
  }
  const EntryView& At() const override { return in_->At(); }
  Status status() const override { return in_->status(); }

 private:
  std::unique_ptr<EntryIterator> in_;
  std::unique_ptr<LineDeleter> d_;
};

constexpr int64_t kExactSummaryEntries = 4096;

// Loki filters a tenant's delete requests at query time unless its deletion_mode is disabled.
bool FiltersDeletes(const std::shared_ptr<const RetentionPolicy>& p, const std::string& tenant) {
  return p == nullptr || p->DeletionModeFor(tenant) != DeletionMode::kDisabled;
}

}  // namespace

RetentionReader::RetentionReader(RetentionReaderOptions o) : o_(std::move(o)) {}

int64_t RetentionReader::Now() const {
  if (o_.now_ns) return o_.now_ns();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

bool RetentionReader::PassThrough(const std::string& tenant) const {
  (void)tenant;
  auto p = o_.policy ? o_.policy() : nullptr;
  bool no_retention = p == nullptr || p->KeepsEverything();
  return no_retention && (o_.deletes == nullptr || o_.deletes->empty());
}

RetentionReader::View RetentionReader::ViewFor(const std::string& tenant, const LabelSet& labels) const {
  View v;
  auto p = o_.policy ? o_.policy() : nullptr;
  if (p != nullptr) v.cutoff = p->CutoffFor(tenant, labels, Now());
  if (o_.deletes != nullptr && !o_.deletes->empty() && FiltersDeletes(p, tenant))
    v.deletes = o_.deletes->Active(tenant);
  return v;
}

bool RetentionReader::HasData(const std::string& tenant, uint64_t id, int64_t lo, int64_t hi) {
  auto it = Entries(tenant, id, lo, hi, Direction::kForward);
  return it->Next();
}

Result<std::vector<StreamInfo>> RetentionReader::Streams(const std::string& tenant, const Matchers& ms,
                                                         int64_t start, int64_t end) {
  auto in = o_.inner->Streams(tenant, ms, start, end);
  if (!in.ok() || PassThrough(tenant)) return in;
  std::vector<StreamInfo> out;
  for (auto& s : *in) {
    int64_t cutoff = ViewFor(tenant, s.labels).cutoff;
    if (cutoff <= start || HasData(tenant, s.id, start, end)) out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<std::string>> RetentionReader::LabelNames(const std::string& tenant, const Matchers& ms,
                                                             int64_t start, int64_t end) {
  if (PassThrough(tenant)) return o_.inner->LabelNames(tenant, ms, start, end);
  auto ss = Streams(tenant, ms, start, end);
  if (!ss.ok()) return ss.status();
  std::set<std::string> names;
  for (const auto& s : *ss)
    for (const auto& l : s.labels) names.insert(l.name);
  return std::vector<std::string>(names.begin(), names.end());
}

Result<std::vector<std::string>> RetentionReader::LabelValues(const std::string& tenant, const std::string& name,
                                                              const Matchers& ms, int64_t start, int64_t end) {
  if (PassThrough(tenant)) return o_.inner->LabelValues(tenant, name, ms, start, end);
  auto ss = Streams(tenant, ms, start, end);
  if (!ss.ok()) return ss.status();
  std::set<std::string> values;
  for (const auto& s : *ss)
    if (auto v = s.labels.Get(name)) values.insert(std::string(*v));
  return std::vector<std::string>(values.begin(), values.end());
}

std::unique_ptr<EntryIterator> RetentionReader::Entries(const std::string& tenant, uint64_t id, int64_t start,
                                                        int64_t end, Direction dir) {
  if (PassThrough(tenant)) return o_.inner->Entries(tenant, id, start, end, dir);
  LabelSet labels;
  if (o_.labels_of && !o_.labels_of(id, &labels)) return o_.inner->Entries(tenant, id, start, end, dir);
  View v = ViewFor(tenant, labels);
  int64_t lo = std::max(start, v.cutoff);
  if (lo >= end) return std::make_unique<EmptyIterator>();
  auto it = o_.inner->Entries(tenant, id, lo, end, dir);
  if (v.deletes == nullptr || v.deletes->empty()) return it;
  auto d = std::make_unique<LineDeleter>(*v.deletes, labels);
  if (d->empty() || !d->Overlaps(lo, end - 1)) return it;
  return std::make_unique<FilterIterator>(std::move(it), std::move(d));
}

Result<std::vector<ChunkSummary>> RetentionReader::Exact(const std::string& tenant, uint64_t id, int64_t lo,
                                                         int64_t hi) {
  std::vector<ChunkSummary> out;
  auto it = Entries(tenant, id, lo, hi, Direction::kForward);
  ChunkSummary cur;
  while (it->Next()) {
    const EntryView& e = it->At();
    if (cur.entries >= kExactSummaryEntries && e.ts_ns != cur.max_ts_ns) {
      out.push_back(cur);
      cur = ChunkSummary{};
    }
    if (cur.entries == 0) cur.min_ts_ns = e.ts_ns;
    cur.max_ts_ns = e.ts_ns;
    cur.entries++;
    cur.raw_bytes += static_cast<int64_t>(e.line.size());
  }
  SKALD_RETURN_IF_ERROR(it->status());
  if (cur.entries > 0) out.push_back(cur);
  return out;
}

Result<std::vector<ChunkSummary>> RetentionReader::Summaries(const std::string& tenant, uint64_t id, int64_t start,
                                                             int64_t end) {
  if (PassThrough(tenant)) return o_.inner->Summaries(tenant, id, start, end);
  LabelSet labels;
  if (o_.labels_of && !o_.labels_of(id, &labels)) return o_.inner->Summaries(tenant, id, start, end);
  View v = ViewFor(tenant, labels);
  int64_t lo = std::max(start, v.cutoff);
  if (lo >= end) return std::vector<ChunkSummary>{};
  auto sums = o_.inner->Summaries(tenant, id, lo, end);
  if (!sums.ok()) return sums;
  std::unique_ptr<LineDeleter> d;
  if (v.deletes != nullptr && !v.deletes->empty()) d = std::make_unique<LineDeleter>(*v.deletes, labels);
  // Overlapping summaries form clusters (runs of the min_ts order with a running max); a cluster
  // holding a summary that straddles the cutoff or touches a delete window is recomputed whole.
  std::vector<ChunkSummary>& cs = *sums;
  std::sort(cs.begin(), cs.end(), [](const auto& x, const auto& y) { return x.min_ts_ns < y.min_ts_ns; });
  std::vector<ChunkSummary> out;
  for (size_t i = 0; i < cs.size();) {
    size_t j = i;
    int64_t hi = cs[i].max_ts_ns;
    bool bad = false;
    for (; j < cs.size() && (j == i || cs[j].min_ts_ns <= hi); ++j) {
      hi = std::max(hi, cs[j].max_ts_ns);
      bad = bad || (lo > start && cs[j].min_ts_ns < lo) ||
            (d != nullptr && d->Overlaps(cs[j].min_ts_ns, cs[j].max_ts_ns));
    }
    if (!bad) {
      out.insert(out.end(), cs.begin() + static_cast<ptrdiff_t>(i), cs.begin() + static_cast<ptrdiff_t>(j));
    } else {
      int64_t a = std::max(cs[i].min_ts_ns, lo), b = std::min(hi, end - 1);
      if (a <= b) {
        auto ex = Exact(tenant, id, a, b + 1);
        if (!ex.ok()) return ex.status();
        out.insert(out.end(), ex->begin(), ex->end());
      }
    }
    i = j;
  }
  std::sort(out.begin(), out.end(), [](const auto& x, const auto& y) { return x.min_ts_ns < y.min_ts_ns; });
  return out;
}

Result<CountRuns> RetentionReader::Runs(const std::string& tenant, uint64_t id, int64_t start, int64_t end) {
  if (PassThrough(tenant)) return o_.inner->Runs(tenant, id, start, end);
  LabelSet labels;
  if (o_.labels_of && !o_.labels_of(id, &labels)) return o_.inner->Runs(tenant, id, start, end);
  View v = ViewFor(tenant, labels);
  int64_t lo = std::max(start, v.cutoff);
  if (lo >= end) return CountRuns{};
  if (v.deletes != nullptr && !v.deletes->empty() && LineDeleter(*v.deletes, labels).Overlaps(lo, end - 1))
    return CountRuns{};
  auto runs = o_.inner->Runs(tenant, id, lo, end);
  if (!runs.ok() || lo == start) return runs;
  for (const auto& r : *runs)
    if (r->summary.min_ts_ns < lo) return CountRuns{};
  return runs;
}

Result<IndexStats> RetentionReader::Stats(const std::string& tenant, const Matchers& ms, int64_t start, int64_t end) {
  if (PassThrough(tenant)) return o_.inner->Stats(tenant, ms, start, end);
  auto ss = Streams(tenant, ms, start, end);
  if (!ss.ok()) return ss.status();
  IndexStats st;
  for (const auto& s : *ss) {
    auto sums = Summaries(tenant, s.id, start, end);
    if (!sums.ok()) return sums.status();
    st.streams++;
    for (const auto& c : *sums) st.chunks++, st.entries += c.entries, st.bytes += c.raw_bytes;
  }
  return st;
}

std::shared_ptr<void> RetentionReader::Subscribe(const std::string& tenant, TailFn fn) {
  DeleteRequests* dr = o_.deletes;
  if (dr == nullptr) return o_.inner->Subscribe(tenant, std::move(fn));
  return o_.inner->Subscribe(tenant, [dr, policy = o_.policy, tenant, fn = std::move(fn)](const LabelSet& ls,
                                                                                        const LogEntry& e) {
    if (!dr->empty() && FiltersDeletes(policy ? policy() : nullptr, tenant)) {
      auto active = dr->Active(tenant);
      LineDeleter d(*active, ls);
      if (!d.empty() && d.Deleted(e.ts_ns, e.line, &e.metadata)) return;
    }
    fn(ls, e);
  });
}

}  // namespace skald::retention
