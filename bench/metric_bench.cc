// Metric query benchmark: the seeded workload as `{job="docker", container=...}` streams at a fixed
// rate (default 100k lines/min over 50 containers), stored through a real Ingester and flushed to
// chunks, then `sum by (container) (count_over_time(...[1m]))` and friends timed over the whole range.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "bench/workload.h"
#include "store/head/ingester.h"
#include "store/query/engine.h"

using namespace skald;
using skald::bench::Arg;
using skald::bench::CpuSeconds;

namespace {

constexpr int64_t kMin = 60LL * 1000000000LL;

// One minute of the workload: about `lines` lines, each stream's entries spread evenly over the
// minute, relabelled as docker containers. Returns the line bytes.
int64_t PushMinute(bench::Workload& wl, head::Ingester& ing, int64_t minute_ns, int64_t lines) {
  std::vector<std::vector<LogStream>> batches;
  std::map<std::string, int64_t> per_stream, seen;
  int64_t n = 0, bytes = 0;
  while (n < lines) {
    batches.push_back(wl.NextBatch(1 << 20));
    for (auto& s : batches.back()) {
      std::string pod(*s.labels.Get("pod"));
      std::string name = pod.substr(0, pod.find('-')) + "-" + pod.substr(pod.rfind('-') + 1);
      s.labels = LabelSet({{"job", "docker"}, {"container", name}});
      per_stream[name] += static_cast<int64_t>(s.entries.size());
      n += static_cast<int64_t>(s.entries.size());
    }
  }
  for (auto& b : batches) {
    for (auto& s : b) {
      std::string key(*s.labels.Get("container"));
      const int64_t total = per_stream[key];
      int64_t& k = seen[key];
      for (auto& e : s.entries) {
        e.ts_ns = minute_ns + (k++ * kMin) / total;
        bytes += static_cast<int64_t>(e.line.size());
      }
    }
    Status st = ing.Push("fake", std::move(b));
    if (!st.ok()) std::fprintf(stderr, "push: %s\n", st.message().c_str()), std::exit(1);
  }
  return bytes;
}

void Time(query::Engine& eng, const std::string& q, int64_t start, int64_t end, int64_t step, double raw_bytes,
          int reps) {
  query::QueryRequest req;
  req.tenant = "fake";
  req.query = q;
  req.start_ns = start;
  req.end_ns = end;
  req.step_ns = step;
  Result<query::QueryResult> res = Status::Internal("not run");
  const skald::bench::Best best = skald::bench::BestOf(reps, [&] { res = eng.Exec(req); });
  const double best_wall = best.wall, best_cpu = best.cpu;
  if (!res.ok()) {
    std::printf("%-80s error: %s\n", q.c_str(), res.status().message().c_str());
    return;
  }
  double total = 0;
  for (const auto& s : res->matrix)
    for (const auto& p : s.points) total += p.v;
  std::printf("%s\n  series=%zu sum_of_points=%.0f wall=%.3fs cpu=%.3fs  raw GB/s: %.1f per wall-s, %.1f per CPU-s"
              "  blocks_from_summary=%lld lines_decoded=%lld\n",
              q.c_str(), res->matrix.size(), total, best_wall, best_cpu, raw_bytes / best_wall / 1e9,
              raw_bytes / best_cpu / 1e9, static_cast<long long>(res->stats.chunks_from_summary),
              static_cast<long long>(res->stats.lines_processed));
}

}  // namespace

int main(int argc, char** argv) {
  setvbuf(stdout, nullptr, _IOLBF, 0);
  const int64_t minutes = std::atoll(Arg(argc, argv, "--minutes", "1440"));
  const int64_t per_min = std::atoll(Arg(argc, argv, "--lines-per-min", "100000"));
  const int streams = std::atoi(Arg(argc, argv, "--streams", "50"));
  const int reps = std::atoi(Arg(argc, argv, "--reps", "3"));
  const std::string dir = Arg(argc, argv, "--dir", "/tmp/skald-metric-bench");
  const bool reuse = std::getenv("BENCH_REUSE") != nullptr && std::filesystem::exists(dir + "/meta.txt");
  int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                    std::chrono::system_clock::now().time_since_epoch()).count();
  int64_t start = (now - (minutes + 60) * kMin) / kMin * kMin;
  double raw = 0;
  head::IngesterOptions opts;
  opts.dir = dir;
  if (!reuse) {
    std::filesystem::remove_all(dir);
    auto ing = head::Ingester::Open(opts);
    if (!ing.ok()) return std::fprintf(stderr, "open: %s\n", ing.status().message().c_str()), 1;
    bench::Workload wl(42, streams, start);
    double c0 = CpuSeconds();
    for (int64_t m = 0; m < minutes; ++m) raw += static_cast<double>(PushMinute(wl, **ing, start + m * kMin, per_min));
    Status st = (*ing)->Close();
    if (!st.ok()) return std::fprintf(stderr, "close: %s\n", st.message().c_str()), 1;
    std::printf("stored %lld min x %lld lines/min over %d streams: %.2f GB raw, %.0f s CPU (generator included)\n",
                static_cast<long long>(minutes), static_cast<long long>(per_min), streams, raw / 1e9, CpuSeconds() - c0);
    FILE* f = std::fopen((dir + "/meta.txt").c_str(), "w");
    std::fprintf(f, "%lld %.0f\n", static_cast<long long>(start), raw);
    std::fclose(f);
  } else {
    FILE* f = std::fopen((dir + "/meta.txt").c_str(), "r");
    long long s0 = 0;
    if (std::fscanf(f, "%lld %lf", &s0, &raw) != 2) return 1;
    std::fclose(f);
    start = s0;
  }
  auto ing = head::Ingester::Open(opts);   // reopened: every entry is in chunk files now
  if (!ing.ok()) return std::fprintf(stderr, "reopen: %s\n", ing.status().message().c_str()), 1;
  query::EngineOptions eo;
  eo.max_query_series = 0;
  query::Engine eng(ing->get(), eo);
  const int64_t end = start + minutes * kMin;
  std::printf("chunk bytes on disk: %.2f GB\n", bench::DirBytes(dir + "/chunks") / 1e9);
  Time(eng, R"(sum by (container) (count_over_time({job="docker"}[1m])))", start + kMin, end, kMin, raw, reps);
  Time(eng, R"(sum by (container) (bytes_over_time({job="docker"}[1m])))", start + kMin, end, kMin, raw, reps);
  if (minutes >= 120) Time(eng, R"(sum(count_over_time({job="docker"}[1h])))", start + 60 * kMin, end, 60 * kMin, raw, reps);
  // The same count with a (never matching) line filter: every line is decoded, as before per-block
  // runs (BENCH_NO_BEFORE=1 skips it).
  if (!std::getenv("BENCH_NO_BEFORE"))
    Time(eng, R"(sum by (container) (count_over_time({job="docker"} != "zqzqzq" [1m])))", start + kMin, end, kMin,
         raw, 1);
  (void)(*ing)->Close();
  if (!std::getenv("BENCH_KEEP") && !std::getenv("BENCH_REUSE")) std::filesystem::remove_all(dir);
  return 0;
}
