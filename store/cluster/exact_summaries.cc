// Summaries kept or recounted around the write nodes' window (see exact_summaries.h).
#include "store/cluster/exact_summaries.h"

#include <algorithm>

namespace skald::cluster {
namespace {

// Sorted by min_ts, overlapping items form clusters; returns how many leading items belong to
// clusters that end before `cut`, and sets *lo to where the rest (or `cut`) begins.
template <typename T, typename Sum>
size_t KeptBefore(const std::vector<T>& sorted, int64_t cut, Sum sum, int64_t* lo) {
  *lo = cut;
  for (size_t i = 0; i < sorted.size();) {
    size_t j = i;
    int64_t hi = sum(sorted[i]).max_ts_ns;
    for (; j < sorted.size() && (j == i || sum(sorted[j]).min_ts_ns <= hi); ++j) hi = std::max(hi, sum(sorted[j]).max_ts_ns);
    if (hi >= cut) {
      *lo = std::min(cut, sum(sorted[i]).min_ts_ns);
      return i;
    }
    i = j;
  }
  return sorted.size();
}

class MergedRun : public CountRun {
 public:
  std::vector<int64_t> ts;
  std::vector<uint32_t> len;
  bool meta = false;
  Status Load(std::vector<int64_t>* t, std::vector<uint32_t>* l, bool* m) override {
    *t = ts, *l = len, *m = meta;
    return Status::Ok();
  }
};

}  // namespace

Result<std::vector<ChunkSummary>> SummarizeEntries(EntryIterator& it) {
  std::vector<ChunkSummary> out;
  ChunkSummary cur;
  while (it.Next()) {
    const EntryView& e = it.At();
    if (cur.entries == 0) cur.min_ts_ns = e.ts_ns, cur.max_ts_ns = e.ts_ns;
    cur.min_ts_ns = std::min(cur.min_ts_ns, e.ts_ns);
    cur.max_ts_ns = std::max(cur.max_ts_ns, e.ts_ns);
    cur.entries++;
    cur.raw_bytes += static_cast<int64_t>(e.line.size());
    if (cur.entries == kEntriesPerSummary) out.push_back(cur), cur = ChunkSummary{};
  }
  SKALD_RETURN_IF_ERROR(it.status());
  if (cur.entries > 0) out.push_back(cur);
  return out;
}

Result<std::vector<ChunkSummary>> CombineSummaries(
    std::vector<ChunkSummary> local, int64_t start, int64_t end, int64_t cut,
    const std::function<std::unique_ptr<EntryIterator>(int64_t lo, int64_t hi)>& merged) {
  std::sort(local.begin(), local.end(), [](const auto& a, const auto& b) { return a.min_ts_ns < b.min_ts_ns; });
  int64_t lo = cut;
  const size_t kept = KeptBefore(local, cut, [](const ChunkSummary& c) -> const ChunkSummary& { return c; }, &lo);
  std::vector<ChunkSummary> out(local.begin(), local.begin() + static_cast<ptrdiff_t>(kept));
  lo = std::max(lo, start);
  if (lo < end) {
    auto it = merged(lo, end);
    auto got = SummarizeEntries(*it);
    if (!got.ok()) return got.status();
    out.insert(out.end(), got->begin(), got->end());
  }
  return out;
}

Result<CountRuns> CombineRuns(CountRuns local, bool has_local, int64_t start, int64_t end, int64_t cut,
                              const MergedEntries& merged) {
  if (has_local && local.empty()) return CountRuns{};
  std::sort(local.begin(), local.end(), [](const auto& a, const auto& b) { return a->summary.min_ts_ns < b->summary.min_ts_ns; });
  int64_t lo = cut;
  const size_t kept = KeptBefore(local, cut, [](const std::unique_ptr<CountRun>& r) -> const ChunkSummary& { return r->summary; }, &lo);
  local.resize(kept);
  lo = std::max(lo, start);
  if (lo >= end) return local;
  auto run = std::make_unique<MergedRun>();
  auto it = merged(lo, end);
  while (it->Next()) {
    const EntryView& e = it->At();
    run->ts.push_back(e.ts_ns);
    run->len.push_back(static_cast<uint32_t>(e.line.size()));
    run->meta = run->meta || (e.metadata != nullptr && !e.metadata->empty());
    run->summary.raw_bytes += static_cast<int64_t>(e.line.size());
  }
  SKALD_RETURN_IF_ERROR(it->status());
  if (run->ts.empty()) return local;
  run->summary.min_ts_ns = run->ts.front();
  run->summary.max_ts_ns = run->ts.back();
  run->summary.entries = static_cast<int64_t>(run->ts.size());
  run->metadata = run->meta;
  local.push_back(std::move(run));
  return local;
}

}  // namespace skald::cluster
