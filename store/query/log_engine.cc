// Log-query engine (see log_engine.h): per-group heap merges run on worker threads, then one final
// ordered merge; only the head entry of each stream is held, so chunks are never materialised.
#include "store/query/log_engine.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <queue>
#include <thread>
#include <unordered_map>

namespace skald::query {
namespace {

struct WorkItem {
  std::string tenant;
  StreamInfo stream;
  int64_t start_ns = 0, end_ns = 0;  // this item's slice of the query window
};

// One emitted entry, owning its data.
struct Emitted {
  int64_t ts_ns = 0;
  std::string key;  // label string of the output stream
  LabelSet labels;
  std::string line;
  std::vector<Label> metadata;
  std::vector<Label> parsed;
};

struct Cursor {
  std::unique_ptr<EntryIterator> it;
  std::unique_ptr<StreamPipeline> pipeline;
  LabelSet stream_labels;
  PipelineOutput out;
  std::unordered_map<const LabelSet*, std::string> keys;
  const std::string* key = nullptr;
  int64_t lines = 0, bytes = 0;
  GuardTicker* ticker = nullptr;   // the group's: one per worker thread
  bool stopped = false;

  // Advances to the next entry that passes the pipeline.
  bool Advance() {
    while (it->Next()) {
      const EntryView& e = it->At();
      const auto n = static_cast<int64_t>(e.line.size());
      lines++;
      bytes += n;
      if (!ticker->Tick(1, n)) {
        stopped = true;
        return false;
      }
      if (pipeline->Process(e, &out)) {
        auto [k, fresh] = keys.try_emplace(out.labels);
        if (fresh) k->second = out.labels->ToString();
        key = &k->second;
        return true;
      }
    }
    return false;
  }
  int64_t ts() const { return it->At().ts_ns; }
};

// True if entry (ta, ka) comes before (tb, kb) in `dir`.
bool Before(Direction dir, int64_t ta, const std::string& ka, int64_t tb, const std::string& kb) {
  if (ta != tb) return dir == Direction::kForward ? ta < tb : ta > tb;
  return ka < kb;
}

struct GroupOut {
  std::vector<Emitted> entries;
  int64_t lines = 0, bytes = 0;
  Status status;
};

Emitted Emit(const Cursor& c, bool categorize) {
  Emitted e;
  e.ts_ns = c.ts();
  e.line = std::string(c.out.line);
  if (categorize) {
    e.labels = c.stream_labels;
    e.key = c.stream_labels.ToString();
    if (const auto* md = c.it->At().metadata) e.metadata = *md;
    if (c.out.parsed) e.parsed = *c.out.parsed;
  } else {
    e.labels = *c.out.labels;
    e.key = *c.key;
  }
  return e;
}

// Merges the streams of `items` in order; keeps at most `cap` entries (0 = no cap). Stops when the
// guard says so (a failing group stops the others through it).
GroupOut MergeGroup(StoreReader& reader, const LogQuerySpec& spec, QueryGuard& guard,
                    const std::vector<const WorkItem*>& items, size_t cap) {
  GroupOut g;
  GuardTicker ticker(guard);
  std::vector<std::unique_ptr<Cursor>> cursors;
  auto cmp = [&](const Cursor* a, const Cursor* b) {
    return Before(spec.direction, b->ts(), *b->key, a->ts(), *a->key);
  };
  std::priority_queue<Cursor*, std::vector<Cursor*>, decltype(cmp)> heap(cmp);
  auto failed = [&](const Cursor& c) {
    if (c.stopped) g.status = guard.status();
    else if (!c.it->status().ok()) g.status = c.it->status();
    return !g.status.ok();
  };
  for (const WorkItem* w : items) {
    if (!ticker.Flush()) {   // opening a stream reads its chunk list and headers
      g.status = guard.status();
      break;
    }
    auto c = std::make_unique<Cursor>();
    c->it = reader.Entries(w->tenant, w->stream.id, w->start_ns, w->end_ns, spec.direction);
    c->pipeline = spec.pipeline->ForStream(w->stream.labels);
    c->stream_labels = w->stream.labels;
    c->ticker = &ticker;
    if (c->Advance()) heap.push(c.get());
    cursors.push_back(std::move(c));
    if (failed(*cursors.back())) break;
  }
  while (!heap.empty() && (cap == 0 || g.entries.size() < cap) && g.status.ok()) {
    Cursor* c = heap.top();
    heap.pop();
    g.entries.push_back(Emit(*c, spec.categorize));
    if (c->Advance()) heap.push(c);
    else failed(*c);
  }
  for (const auto& c : cursors) g.lines += c->lines, g.bytes += c->bytes;
  guard.Stop(g.status);
  return g;
}

Result<std::vector<WorkItem>> SelectStreams(StoreReader& reader, const LogQuerySpec& spec) {
  std::vector<WorkItem> items;
  for (const auto& t : SplitTenants(spec.tenant)) {
    auto s = reader.Streams(t, spec.matchers, spec.start_ns, spec.end_ns);
    if (!s.ok()) return s.status();
    for (auto& info : *s) items.push_back({t, std::move(info), spec.start_ns, spec.end_ns});
  }
  return items;
}

constexpr int64_t kMinSplitNs = 60LL * 1000000000LL;

// Each stream becomes `n` items over consecutive time slices; item i*n+g is slice g, so the
// round-robin split gives group g slice g (group 0 = the newest slice for backward queries).
std::vector<WorkItem> TimeSlices(std::vector<WorkItem> in, size_t n, const LogQuerySpec& spec) {
  std::vector<WorkItem> out;
  const int64_t step = (spec.end_ns - spec.start_ns) / static_cast<int64_t>(n);
  for (auto& w : in) {
    std::vector<WorkItem> slices;
    for (size_t g = 0; g < n; g++) {
      WorkItem s = w;
      s.start_ns = spec.start_ns + step * static_cast<int64_t>(g);
      s.end_ns = g + 1 == n ? spec.end_ns : s.start_ns + step;
      slices.push_back(std::move(s));
    }
    if (spec.direction == Direction::kBackward) std::reverse(slices.begin(), slices.end());
    for (auto& s : slices) out.push_back(std::move(s));
  }
  return out;
}

// Applies the interval rule and the limit to merged entries and groups them into streams.
void Collect(std::vector<Emitted>& merged, const LogQuerySpec& spec, QueryResult* r) {
  std::map<std::string, size_t> index;
  bool have_last = false;
  int64_t last = 0;
  size_t n = 0;
  for (auto& e : merged) {
    if (n >= spec.limit) break;
    if (spec.interval_ns > 0 && have_last) {
      bool ok = spec.direction == Direction::kForward ? e.ts_ns >= last + spec.interval_ns
                                                      : e.ts_ns <= last - spec.interval_ns;
      if (!ok) continue;
    }
    have_last = true;
    last = e.ts_ns;
    n++;
    auto [it, fresh] = index.try_emplace(e.key, r->streams.size());
    if (fresh) r->streams.push_back(StreamResult{std::move(e.labels), {}});
    r->streams[it->second].entries.push_back(
        {e.ts_ns, std::move(e.line), std::move(e.metadata), std::move(e.parsed)});
  }
  std::vector<std::pair<std::string, size_t>> order(index.begin(), index.end());
  std::vector<StreamResult> sorted;
  for (auto& [k, i] : order) sorted.push_back(std::move(r->streams[i]));
  r->streams = std::move(sorted);
  r->stats.entries_returned = static_cast<int64_t>(n);
}

}  // namespace

std::vector<std::string> SplitTenants(const std::string& tenant) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (true) {
    size_t bar = tenant.find('|', pos);
    std::string t = tenant.substr(pos, bar == std::string::npos ? std::string::npos : bar - pos);
    if (!t.empty() && std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
    if (bar == std::string::npos) break;
    pos = bar + 1;
  }
  return out;
}

Result<QueryResult> RunLogQuery(StoreReader& reader, const LogQuerySpec& spec) {
  QueryResult r;
  r.type = ResultType::kStreams;
  auto items = SelectStreams(reader, spec);
  if (!items.ok()) return items.status();
  // With an interval the cut-off is unknown in advance: one ordered merge. Otherwise each group
  // keeps its first `limit` entries, which must contain the overall first `limit`.
  const size_t par = static_cast<size_t>(std::max(spec.parallelism, 1));
  size_t groups = spec.interval_ns > 0 ? 1 : std::clamp<size_t>(items->size() / 8, 1, par);
  std::vector<std::vector<const WorkItem*>> parts(groups);
  if (groups == 1 && par > 1 && spec.interval_ns == 0 && !items->empty() &&
      spec.end_ns - spec.start_ns >= kMinSplitNs) {
    // Few streams: split the window in time instead, slice 0 nearest the query's starting edge.
    items = TimeSlices(std::move(*items), par, spec);
    groups = par;
    parts.assign(groups, {});
    for (size_t i = 0; i < items->size(); i++) parts[i % groups].push_back(&(*items)[i]);
  } else {
    for (size_t i = 0; i < items->size(); i++) parts[i % groups].push_back(&(*items)[i]);
  }
  size_t cap = spec.interval_ns > 0 ? 0 : spec.limit;
  QueryGuard unbounded{GuardOptions{}};
  QueryGuard& guard = spec.guard ? *spec.guard : unbounded;
  std::vector<GroupOut> outs(groups);
  std::vector<std::thread> threads;
  for (size_t g = 1; g < groups; g++) {
    threads.emplace_back([&, g] { outs[g] = MergeGroup(reader, spec, guard, parts[g], cap); });
  }
  outs[0] = MergeGroup(reader, spec, guard, parts[0], cap);
  for (auto& t : threads) t.join();
  if (guard.stopped()) return guard.status();
  std::vector<Emitted> merged;
  for (auto& o : outs) {
    if (!o.status.ok()) return o.status;
    r.stats.lines_processed += o.lines;
    r.stats.bytes_processed += o.bytes;
    for (auto& e : o.entries) merged.push_back(std::move(e));
  }
  if (groups > 1) {
    std::stable_sort(merged.begin(), merged.end(), [&](const Emitted& a, const Emitted& b) {
      return Before(spec.direction, a.ts_ns, a.key, b.ts_ns, b.key);
    });
  }
  Collect(merged, spec, &r);
  return r;
}

}  // namespace skald::query
