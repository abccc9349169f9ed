// Range aggregations (see range_aggregation.h).
#include "store/query/range_aggregation.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <thread>
#include <unordered_map>

#include "store/query/log_engine.h"
#include "store/query/rate_counter.h"

namespace skald::query {
namespace {

// Mergeable partial state of one window.
struct Accum {
  int64_t count = 0;
  double sum = 0, first = 0, last = 0, min = 0, max = 0;
  int64_t first_ts = 0, last_ts = 0;
};

bool NeedsSamples(RangeOp op) {
  return op == RangeOp::kQuantile || op == RangeOp::kStdvar || op == RangeOp::kStddev ||
         op == RangeOp::kRateCounter;
}

using SamplePts = std::vector<std::pair<int64_t, double>>;

struct Target {
  LabelSet labels;
  std::vector<Accum> acc;
  std::vector<SamplePts> samples;  // only when NeedsSamples
  LabelSet error_source;           // with __error__: a full series it groups (for the message)
};

using TargetMap = std::unordered_map<std::string, Target>;

// One worker thread: its steps, output series, statistics and stop checks.
struct Worker {
  StepGrid grid;           // the query's steps, or this worker's share of them
  size_t offset = 0;       // index of grid's first step in the query's
  TargetMap targets;
  QueryStats stats;
  Status status;
  GuardTicker* ticker = nullptr;
  size_t series_cap = 0;   // max_query_series when these series are the query's result; 0 = none

  // Finds or makes output series `g` with `steps` slots, charging their memory to the guard; an
  // error when it breaks max_query_series (checked while scanning, not after) or a budget.
  Result<Target*> Get(LabelSet g, size_t steps, bool keep, const LabelSet& source) {
    std::string key = g.ToString();
    auto it = targets.find(key);
    if (it != targets.end()) return &it->second;
    if (series_cap > 0 && targets.size() >= series_cap) {
      return Status::Invalid("maximum of series (" + std::to_string(series_cap) + ") reached for a single query");
    }
    const auto mem = static_cast<int64_t>(steps * (sizeof(Accum) + (keep ? sizeof(SamplePts) : 0)) + 2 * key.size());
    if (!ticker->Tick(1, 0, mem)) return ticker->guard().status();
    Target& t = targets[std::move(key)];
    if (g.Get("__error__")) t.error_source = source;
    t.labels = std::move(g);
    t.acc.resize(steps);
    if (keep) t.samples.resize(steps);
    return &t;
  }
};

void Merge(Accum& into, const Accum& a) {
  if (a.count == 0) return;
  if (into.count == 0) {
    into = a;
    return;
  }
  into.count += a.count;
  into.sum += a.sum;
  into.min = std::min(into.min, a.min);
  into.max = std::max(into.max, a.max);
  if (a.first_ts < into.first_ts) into.first = a.first, into.first_ts = a.first_ts;
  if (a.last_ts >= into.last_ts) into.last = a.last, into.last_ts = a.last_ts;
}

LabelSet ApplyGrouping(const LabelSet& ls, const std::optional<Grouping>& g) {
  if (!g) return ls;
  std::vector<Label> out;
  for (const auto& l : ls) {
    bool listed = std::find(g->labels.begin(), g->labels.end(), l.name) != g->labels.end();
    if (listed != g->without) out.push_back(l);
  }
  return LabelSet(std::move(out));
}

struct Window {
  std::deque<std::pair<int64_t, double>> s;
  double sum = 0;
  Target* target = nullptr;
};

void Accumulate(const Window& w, RangeOp op, Accum* a, SamplePts* pts) {
  Accum x;
  x.count = static_cast<int64_t>(w.s.size());
  x.sum = w.sum;
  x.first = w.s.front().second, x.first_ts = w.s.front().first;
  x.last = w.s.back().second, x.last_ts = w.s.back().first;
  if (op == RangeOp::kMin || op == RangeOp::kMax) {
    x.min = x.max = x.first;
    for (const auto& [t, v] : w.s) x.min = std::min(x.min, v), x.max = std::max(x.max, v);
  }
  Merge(*a, x);
  if (pts) pts->insert(pts->end(), w.s.begin(), w.s.end());
}

struct StreamWork {
  std::string tenant;
  StreamInfo info;
};

// Slides one stream's samples through the step windows, merging partials into `targets`.
Status RunStream(const MetricNode& n, const StepGrid& grid, const StreamWork& sw, StoreReader& reader,
                 Worker& wk) {
  QueryStats& stats = wk.stats;
  GuardTicker& ticker = *wk.ticker;
  const size_t steps = grid.size();
  const int64_t first_hi = grid.ts_ns.front() - n.offset_ns;
  const int64_t last_hi = grid.ts_ns.back() - n.offset_ns;
  auto it = reader.Entries(sw.tenant, sw.info.id, first_hi - n.range_ns + 1, last_hi + 1,
                           Direction::kForward);
  auto ex = n.extractor->ForStream(sw.info.labels);
  std::unordered_map<const LabelSet*, Window> windows;
  std::unordered_map<const LabelSet*, Target*> known;   // outlives dropped windows
  bool pending = false, done = false;
  SampleOutput out;
  int64_t pts = 0;
  const bool keep = NeedsSamples(n.range_op);
  for (size_t j = 0; j < steps; j++) {
    const int64_t hi = grid.ts_ns[j] - n.offset_ns, lo = hi - n.range_ns;
    while (!done) {
      if (!pending) {
        if (!it->Next()) { done = true; break; }
        const auto nb = static_cast<int64_t>(it->At().line.size());
        stats.lines_processed++;
        stats.bytes_processed += nb;
        if (!ticker.Tick(1, nb)) return ticker.guard().status();
        if (!ex->Process(it->At(), &out)) continue;
        pts = it->At().ts_ns;
        pending = true;
      }
      if (pts > hi) break;
      pending = false;
      if (pts <= lo) continue;
      Window& w = windows[out.labels];
      if (w.target == nullptr) {
        Target*& k = known[out.labels];
        if (k == nullptr) {
          auto t = wk.Get(ApplyGrouping(*out.labels, n.range_grouping), steps, keep, *out.labels);
          if (!t.ok()) return t.status();
          k = *t;
        }
        w.target = k;
      }
      w.s.emplace_back(pts, out.value);
      w.sum += out.value;
    }
    if (!ticker.Tick(1 + static_cast<int64_t>(windows.size()) / 16, 0)) return ticker.guard().status();
    // An emptied window is dropped (re-made if its series shows up again), so series that parsers
    // make unique per line do not make every later step walk them all.
    for (auto wit = windows.begin(); wit != windows.end();) {
      Window& w = wit->second;
      while (!w.s.empty() && w.s.front().first <= lo) {
        w.sum -= w.s.front().second;
        w.s.pop_front();
      }
      if (w.s.empty()) {
        wit = windows.erase(wit);
        continue;
      }
      Accumulate(w, n.range_op, &w.target->acc[j], keep ? &w.target->samples[j] : nullptr);
      if (keep && !ticker.Tick(0, 0, static_cast<int64_t>(w.s.size() * sizeof(w.s[0])))) {
        return ticker.guard().status();
      }
      ++wit;
    }
  }
  return it->status();
}

bool SummaryEligible(const MetricNode& n) {
  return n.extractor->IsNoop() &&
         (n.range_op == RangeOp::kCount || n.range_op == RangeOp::kRate ||
          n.range_op == RangeOp::kBytes || n.range_op == RangeOp::kBytesRate);
}

// A run's entry timestamps and cumulative line bytes, loaded when a window edge cuts the run.
struct LoadedRun {
  bool loaded = false;
  std::vector<int64_t> ts;
  std::vector<uint32_t> len;
  std::vector<uint64_t> cum;   // cum[i] = bytes of entries [0, i)
};

// Loads run r; false when its entries carry structured metadata (they would split series).
Result<bool> LoadRun(CountRun& run, LoadedRun& l, QueryStats& stats) {
  if (l.loaded) return true;
  bool meta = false;
  SKALD_RETURN_IF_ERROR(run.Load(&l.ts, &l.len, &meta));
  if (meta) return false;
  l.cum.resize(l.len.size() + 1);
  l.cum[0] = 0;
  for (size_t i = 0; i < l.len.size(); i++) l.cum[i + 1] = l.cum[i] + l.len[i];
  l.loaded = true;
  stats.lines_processed += static_cast<int64_t>(l.ts.size());
  return true;
}

// The runs of one stream as the step windows walk over them (windows move forward only).
struct RunWalk {
  CountRuns runs;
  std::vector<LoadedRun> loaded;
  size_t first = 0;   // runs before it end at or before the current window
  bool bytes = false;

  // Totals of window (lo, hi]: whole runs from their summaries, cut runs from their sizes.
  Result<Accum> Window(int64_t lo, int64_t hi, QueryStats& stats, GuardTicker& ticker) {
    for (; first < runs.size() && runs[first]->summary.max_ts_ns <= lo; first++) loaded[first] = LoadedRun{};
    Accum a;
    for (size_t r = first; r < runs.size() && runs[r]->summary.min_ts_ns <= hi; r++) {
      if (!ticker.Tick(1, 0)) return ticker.guard().status();
      const ChunkSummary& c = runs[r]->summary;
      if (c.min_ts_ns > lo && c.max_ts_ns <= hi) {
        a.count += c.entries;
        a.sum += static_cast<double>(bytes ? c.raw_bytes : c.entries);
        stats.chunks_from_summary++;
        continue;
      }
      auto ok = LoadRun(*runs[r], loaded[r], stats);
      if (!ok.ok()) return ok.status();
      if (!*ok) return Status::Corruption("count run: structured metadata in a block flagged without");
      if (!ticker.Tick(static_cast<int64_t>(loaded[r].ts.size()) / 16, 0)) return ticker.guard().status();
      const auto& l = loaded[r];
      size_t x = static_cast<size_t>(std::upper_bound(l.ts.begin(), l.ts.end(), lo) - l.ts.begin());
      size_t y = static_cast<size_t>(std::upper_bound(l.ts.begin(), l.ts.end(), hi) - l.ts.begin());
      a.count += static_cast<int64_t>(y - x);
      a.sum += static_cast<double>(bytes ? l.cum[y] - l.cum[x] : y - x);
    }
    return a;
  }
};

// count/bytes from count runs (per block): a run wholly inside a window adds its totals; a run cut
// by a window edge has its timestamps and lengths loaded (never its lines) and binary-searched.
// Declines (false) when the reader has no runs, runs overlap in time (duplicates possible), or
// entries carry structured metadata.
Result<bool> RunStreamRuns(const MetricNode& n, const StepGrid& grid, const StreamWork& sw, StoreReader& reader,
                           Worker& wk) {
  QueryStats& stats = wk.stats;
  const int64_t first_lo = grid.ts_ns.front() - n.offset_ns - n.range_ns;
  const int64_t last_hi = grid.ts_ns.back() - n.offset_ns;
  auto got = reader.Runs(sw.tenant, sw.info.id, first_lo + 1, last_hi + 1);
  if (!got.ok()) return got.status();
  RunWalk walk{std::move(*got), {}, 0, n.range_op == RangeOp::kBytes || n.range_op == RangeOp::kBytesRate};
  if (walk.runs.empty()) return false;
  walk.loaded.resize(walk.runs.size());
  for (size_t i = 0; i < walk.runs.size(); i++) {
    if (i > 0 && walk.runs[i]->summary.min_ts_ns <= walk.runs[i - 1]->summary.max_ts_ns) return false;
    if (!walk.runs[i]->metadata) continue;
    auto ok = LoadRun(*walk.runs[i], walk.loaded[i], stats);   // metadata unknown: look
    if (!ok.ok() || !*ok) return ok;
  }
  Target* t = nullptr;   // made at the first sample: a stream with none adds no series
  for (size_t j = 0; j < grid.size(); j++) {
    const int64_t hi = grid.ts_ns[j] - n.offset_ns;
    auto a = walk.Window(hi - n.range_ns, hi, stats, *wk.ticker);
    if (!a.ok()) return a.status();
    if (a->count == 0) continue;
    if (t == nullptr) {
      auto got = wk.Get(ApplyGrouping(sw.info.labels, n.range_grouping), grid.size(), false, sw.info.labels);
      if (!got.ok()) return got.status();
      t = *got;
    }
    a->last_ts = hi, Merge(t->acc[j], *a);
  }
  return true;
}

double Finish(const MetricNode& n, const Accum& a, SamplePts* pts) {
  const double range_s = static_cast<double>(n.range_ns) / 1e9;
  switch (n.range_op) {
    case RangeOp::kCount: return static_cast<double>(a.count);
    case RangeOp::kRate: return a.sum / range_s;  // count / range, or sum / range unwrapped
    case RangeOp::kBytes: case RangeOp::kSum: return a.sum;
    case RangeOp::kBytesRate: return a.sum / range_s;
    case RangeOp::kAvg: return a.sum / static_cast<double>(a.count);
    case RangeOp::kMax: return a.max;
    case RangeOp::kMin: return a.min;
    case RangeOp::kFirst: return a.first;
    case RangeOp::kLast: return a.last;
    case RangeOp::kAbsent: return 1;
    case RangeOp::kRateCounter: return LokiRateCounter(*pts, n.range_ns);
    case RangeOp::kQuantile: case RangeOp::kStdvar: case RangeOp::kStddev: {
      std::vector<double> v;
      for (const auto& p : *pts) v.push_back(p.second);
      if (n.range_op == RangeOp::kQuantile) return Quantile(n.param, v);
      double mean = 0, m2 = 0;
      for (size_t i = 0; i < v.size(); i++) {
        double d = v[i] - mean;
        mean += d / static_cast<double>(i + 1);
        m2 += d * (v[i] - mean);
      }
      double var = m2 / static_cast<double>(v.size());
      return n.range_op == RangeOp::kStdvar ? var : std::sqrt(var);
    }
  }
  return 0;
}

// absent_over_time: 1 at steps where no series had a sample; labels from the `=` matchers.
StepMatrix Absent(const MetricNode& n, const TargetMap& targets, size_t steps) {
  std::vector<Label> ls;
  for (const auto& m : n.matchers) {
    if (m.type() == MatchType::kEq) ls.push_back({m.name(), m.value()});
  }
  StepSeries s = StepMatrix::Empty(LabelSet(std::move(ls)), steps);
  bool any = false;
  for (size_t j = 0; j < steps; j++) {
    bool seen = false;
    for (const auto& [k, t] : targets) seen = seen || t.acc[j].count > 0;
    if (!seen) s.v[j] = 1, s.present[j] = 1, any = true;
  }
  StepMatrix m;
  if (any) m.series.push_back(std::move(s));
  return m;
}

// A series still carrying __error__ fails the query, named by a full series it stands for (the
// grouped one when `sum` was folded into the range aggregation).
Status CheckErrors(const TargetMap& all) {
  for (const auto& [k, t] : all) {
    auto err = t.labels.Get("__error__");
    if (!err) continue;
    std::string e(*err);
    const LabelSet& ls = t.error_source.empty() ? t.labels : t.error_source;
    return Status::Invalid("pipeline error: '" + e + "' for series: '" + ls.ToString() +
                           "'.\nUse a label filter to intentionally skip this error. (e.g | "
                           "__error__!=\"" + e + "\").\nTo skip all potential errors you can match "
                           "empty errors.(e.g __error__=\"\")\nThe label filter can also be "
                           "specified after unwrap. (e.g | unwrap latency | __error__=\"\" )");
  }
  return Status::Ok();
}

// Merges a worker's targets (covering steps [offset, offset + its size)) into `all`.
void MergeInto(TargetMap& all, TargetMap& part, size_t offset, size_t steps) {
  for (auto& [k, t] : part) {
    auto [dst, fresh] = all.try_emplace(k);
    if (fresh) {
      dst->second.labels = std::move(t.labels);
      dst->second.error_source = std::move(t.error_source);
      dst->second.acc.resize(steps);
      if (!t.samples.empty()) dst->second.samples.resize(steps);
    }
    for (size_t j = 0; j < t.acc.size(); j++) {
      Merge(dst->second.acc[offset + j], t.acc[j]);
      if (!t.samples.empty()) {
        auto& d = dst->second.samples[offset + j];
        d.insert(d.end(), t.samples[j].begin(), t.samples[j].end());
      }
    }
  }
}

StepMatrix ToMatrix(const MetricNode& n, TargetMap& all, const StepGrid& grid) {
  StepMatrix m;
  for (auto& [k, t] : all) {
    StepSeries s = StepMatrix::Empty(std::move(t.labels), grid.size());
    for (size_t j = 0; j < grid.size(); j++) {
      if (t.acc[j].count == 0) continue;
      s.present[j] = 1;
      s.v[j] = Finish(n, t.acc[j], t.samples.empty() ? nullptr : &t.samples[j]);
    }
    m.series.push_back(std::move(s));
  }
  return m;
}

// Many streams: the streams are split over the workers (each gets the whole grid). Few streams:
// the steps are split instead (each worker reads only the entries its steps' windows cover).
std::vector<Worker> SplitWork(const StepGrid& grid, size_t streams, size_t par) {
  size_t groups = std::clamp<size_t>(streams / 4, 1, par);
  const bool by_steps = groups == 1 && par > 1 && grid.size() >= 2 * par && streams > 0;
  if (by_steps) groups = par;
  std::vector<Worker> workers(groups);
  for (size_t g = 0; g < groups; g++) {
    size_t a = by_steps ? grid.size() * g / groups : 0;
    size_t b = by_steps ? grid.size() * (g + 1) / groups : grid.size();
    workers[g].grid.ts_ns.assign(grid.ts_ns.begin() + a, grid.ts_ns.begin() + b);
    workers[g].offset = a;
  }
  return workers;
}

// Runs streams first, first + stride, ... on one worker until done or the guard stops the query
// (a failing worker stops the others through it).
void RunWorker(const MetricNode& n, const std::vector<StreamWork>& work, size_t first, size_t stride,
               StoreReader& reader, Worker& wk) {
  for (size_t i = first; i < work.size() && wk.status.ok(); i += stride) {
    if (!wk.ticker->Flush()) break;   // opening a stream reads its chunk list and headers
    if (SummaryEligible(n)) {
      auto done = RunStreamRuns(n, wk.grid, work[i], reader, wk);
      if (!done.ok()) { wk.status = done.status(); break; }
      if (*done) continue;
    }
    wk.status = RunStream(n, wk.grid, work[i], reader, wk);
  }
  wk.ticker->guard().Stop(wk.status);
}

}  // namespace

double Quantile(double phi, std::vector<double>& v) {
  if (v.empty() || std::isnan(phi)) return std::nan("");
  if (phi < 0) return -INFINITY;
  if (phi > 1) return INFINITY;
  std::sort(v.begin(), v.end());
  double rank = phi * static_cast<double>(v.size() - 1);
  size_t lo = static_cast<size_t>(std::max(0.0, std::floor(rank)));
  size_t hi = std::min(v.size() - 1, lo + 1);
  double w = rank - std::floor(rank);
  return v[lo] * (1 - w) + v[hi] * w;
}

Result<StepMatrix> EvalRangeAggregation(const MetricNode& n, const StepGrid& grid, EvalContext& ctx) {
  if (grid.size() == 0) return StepMatrix{};
  const int64_t lo = grid.ts_ns.front() - n.offset_ns - n.range_ns;
  const int64_t hi = grid.ts_ns.back() - n.offset_ns + 1;
  std::vector<StreamWork> work;
  for (const auto& t : SplitTenants(ctx.tenant)) {
    auto s = ctx.reader->Streams(t, n.matchers, lo + 1, hi);
    if (!s.ok()) return s.status();
    for (auto& info : *s) work.push_back({t, std::move(info)});
  }
  QueryGuard unbounded{GuardOptions{}};
  QueryGuard& guard = ctx.guard ? *ctx.guard : unbounded;
  const size_t cap = n.range_op == RangeOp::kAbsent ? 0 : static_cast<size_t>(std::max(ctx.result_series_cap, 0));
  std::vector<Worker> workers = SplitWork(grid, work.size(), static_cast<size_t>(std::max(ctx.parallelism, 1)));
  const bool by_steps = workers.size() > 1 && workers[0].grid.size() < grid.size();
  auto run = [&](size_t g) {
    GuardTicker ticker(guard);
    workers[g].ticker = &ticker;
    workers[g].series_cap = cap;
    RunWorker(n, work, by_steps ? 0 : g, by_steps ? 1 : workers.size(), *ctx.reader, workers[g]);
    workers[g].ticker = nullptr;
  };
  std::vector<std::thread> threads;
  for (size_t g = 1; g < workers.size(); g++) threads.emplace_back(run, g);
  run(0);
  for (auto& t : threads) t.join();
  // The merged series and the matrix made from them: charged before they are built.
  size_t series = 0;
  for (const auto& wk : workers) series += wk.targets.size();
  SKALD_RETURN_IF_ERROR(guard.Check(0, static_cast<int64_t>(series * grid.size() * (sizeof(Accum) + sizeof(double) + 1))));
  TargetMap all;
  for (auto& wk : workers) {
    if (ctx.stats) {
      ctx.stats->lines_processed += wk.stats.lines_processed;
      ctx.stats->bytes_processed += wk.stats.bytes_processed;
      ctx.stats->chunks_from_summary += wk.stats.chunks_from_summary;
    }
    MergeInto(all, wk.targets, wk.offset, grid.size());
  }
  if (n.range_op == RangeOp::kAbsent) return Absent(n, all, grid.size());
  SKALD_RETURN_IF_ERROR(CheckErrors(all));
  return ToMatrix(n, all, grid);
}

}  // namespace skald::query
