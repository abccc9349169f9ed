// The StoreReader side of the Ingester: label and series lookups from the index catalog plus head
// bounds; entry reads merge chunk-file blocks, blocks being flushed, sealed blocks and the head.
#include "store/head/ingester.h"

#include <set>

#include "store/head/merge_iterator.h"

namespace skald::head {

Ingester::Stream* Ingester::FindStream(const std::string& tenant, uint64_t id) {
  auto it = by_id_.find(id);
  return it == by_id_.end() || it->second->tenant != tenant ? nullptr : it->second;
}

bool Ingester::HeadOverlaps(const std::string& tenant, uint64_t id, int64_t start, int64_t end) {
  std::lock_guard<std::mutex> lk(mu_);
  Stream* s = FindStream(tenant, id);
  if (s == nullptr) return false;
  auto overlaps = [&](int64_t lo, int64_t hi) { return lo < end && hi >= start; };
  if (!s->head.empty() && overlaps(s->head.min_ts(), s->head.max_ts())) return true;
  for (const auto* v : {&s->pieces, &s->flushing})
    for (const auto& p : *v)
      if (overlaps(p.min_ts(), p.max_ts())) return true;
  return false;
}

Result<std::vector<index::StreamRecord>> Ingester::MatchInRange(const std::string& tenant, const Matchers& ms,
                                                                int64_t start, int64_t end) {
  auto recs = index_->Match(tenant, ms);
  if (!recs.ok()) return recs.status();
  std::vector<index::StreamRecord> out;
  for (auto& r : *recs) {
    bool in_chunks = r.chunks > 0 && r.min_ts < end && r.max_ts >= start;
    if (in_chunks || HeadOverlaps(tenant, r.id, start, end)) out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<StreamInfo>> Ingester::Streams(const std::string& tenant, const Matchers& ms, int64_t start,
                                                  int64_t end) {
  auto recs = MatchInRange(tenant, ms, start, end);
  if (!recs.ok()) return recs.status();
  std::vector<StreamInfo> out;
  for (auto& r : *recs) out.push_back(StreamInfo{r.id, std::move(r.labels)});
  return out;
}

Result<std::vector<std::string>> Ingester::LabelNames(const std::string& tenant, const Matchers& ms, int64_t start,
                                                      int64_t end) {
  auto recs = MatchInRange(tenant, ms, start, end);
  if (!recs.ok()) return recs.status();
  std::set<std::string> names;
  for (const auto& r : *recs)
    for (const auto& l : r.labels) names.insert(l.name);
  return std::vector<std::string>(names.begin(), names.end());
}

Result<std::vector<std::string>> Ingester::LabelValues(const std::string& tenant, const std::string& name,
                                                       const Matchers& ms, int64_t start, int64_t end) {
  auto recs = MatchInRange(tenant, ms, start, end);
  if (!recs.ok()) return recs.status();
  std::set<std::string> values;
  for (const auto& r : *recs)
    if (auto v = r.labels.Get(name)) values.insert(std::string(*v));
  return std::vector<std::string>(values.begin(), values.end());
}

std::unique_ptr<EntryIterator> Ingester::Entries(const std::string& tenant, uint64_t id, int64_t start, int64_t end,
                                                 Direction dir) {
  std::vector<std::unique_ptr<EntrySource>> mem;
  {
    std::lock_guard<std::mutex> lk(mu_);   // memory first, then the index: a chunk may show twice, never zero times
    Stream* s = FindStream(tenant, id);
    if (s == nullptr) return NewMergeIterator({}, start, end, dir);
    for (const auto* v : {&s->flushing, &s->pieces})
      for (const auto& p : *v) mem.push_back(p.raw ? MakeSortedSource(p.raw) : MakeBlockSource(p.block));
    if (!s->head.empty() && s->head.min_ts() < end && s->head.max_ts() >= start)
      mem.push_back(MakeSortedSource(s->head.Snapshot(start, end)));
  }
  auto refs = index_->Chunks(id, start, end);
  if (!refs.ok()) return NewErrorIterator(refs.status());
  std::vector<std::unique_ptr<EntrySource>> srcs;
  // Headers are read when the merge reaches a chunk: a 24 h backward query for the newest lines
  // used to read every chunk header of the day first (docs/BENCHMARKS.md, web UI).
  for (auto& ref : *refs) srcs.push_back(MakeFileChunkSource(files_.get(), std::move(ref), start, end));
  for (auto& m : mem) srcs.push_back(std::move(m));
  return NewMergeIterator(std::move(srcs), start, end, dir);
}

Result<std::vector<ChunkSummary>> Ingester::Summaries(const std::string& tenant, uint64_t id, int64_t start,
                                                      int64_t end) {
  std::vector<ChunkSummary> out;
  {
    std::lock_guard<std::mutex> lk(mu_);
    Stream* s = FindStream(tenant, id);
    if (s == nullptr) return out;
    for (const auto* v : {&s->flushing, &s->pieces}) {
      for (const auto& p : *v) {
        if (p.min_ts() >= end || p.max_ts() < start) continue;
        if (p.raw) out.push_back({p.raw->min_ts, p.raw->max_ts, static_cast<int64_t>(p.raw->size()), static_cast<int64_t>(p.raw->bytes)});
        else out.push_back({p.block->meta.min_ts, p.block->meta.max_ts, p.block->meta.entries, static_cast<int64_t>(p.block->meta.line_bytes)});
      }
    }
    if (!s->head.empty() && s->head.min_ts() < end && s->head.max_ts() >= start)
      out.push_back({s->head.min_ts(), s->head.max_ts(), static_cast<int64_t>(s->head.size()), static_cast<int64_t>(s->head.bytes())});
  }
  auto refs = index_->Chunks(id, start, end);
  if (!refs.ok()) return refs.status();
  for (const auto& r : *refs) out.push_back({r.min_ts, r.max_ts, r.entries, r.line_bytes});
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.min_ts_ns < b.min_ts_ns; });
  return out;
}

Result<CountRuns> Ingester::Runs(const std::string& tenant, uint64_t id, int64_t start, int64_t end) {
  CountRuns out;
  {
    std::lock_guard<std::mutex> lk(mu_);   // memory first, then the index, as Entries does
    Stream* s = FindStream(tenant, id);
    if (s != nullptr) {
      for (const auto* v : {&s->flushing, &s->pieces})
        for (const auto& p : *v)
          if (p.min_ts() < end && p.max_ts() >= start)
            out.push_back(p.raw ? MakeSortedCountRun(p.raw) : MakeBlockCountRun(p.block));
      if (!s->head.empty() && s->head.min_ts() < end && s->head.max_ts() >= start)
        out.push_back(MakeSortedCountRun(s->head.Snapshot(start, end)));
    }
  }
  auto refs = index_->Chunks(id, start, end);
  if (!refs.ok()) return refs.status();
  for (const auto& ref : *refs) {
    auto h = files_->Header(ref);
    if (!h.ok()) return h.status();
    const auto& hp = *h;
    for (size_t i = 0; i < hp->blocks.size(); ++i)
      if (hp->blocks[i].min_ts < end && hp->blocks[i].max_ts >= start)
        out.push_back(MakeFileBlockCountRun(files_.get(), ref, hp, i));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a->summary.min_ts_ns < b->summary.min_ts_ns; });
  return out;
}

Result<IndexStats> Ingester::Stats(const std::string& tenant, const Matchers& ms, int64_t start, int64_t end) {
  auto recs = MatchInRange(tenant, ms, start, end);
  if (!recs.ok()) return recs.status();
  IndexStats st;
  for (const auto& r : *recs) {
    auto sums = Summaries(tenant, r.id, start, end);
    if (!sums.ok()) return sums.status();
    st.streams++;
    for (const auto& c : *sums) {
      st.chunks++;
      st.entries += c.entries;
      st.bytes += c.raw_bytes;
    }
  }
  return st;
}

}  // namespace skald::head
