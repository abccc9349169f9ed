// Log query benchmark: ~1 GB (--mb) of the seeded mixed workload over 100 streams stored through a
// real Ingester and flushed to chunks; times line-filter, regex and parser scans per CPU-second,
// `lz4 -dc | grep -cF` over the same raw lines for the ratio, and newest-100 reads among 100 / 1000.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
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

struct Stored {
  std::unique_ptr<head::Ingester> ing;
  int64_t start = 0, end = 0;
  double raw = 0;
  std::string first_pod;
};

// Stores `mb` MB of the workload over `streams` streams (raw lines also to `raw_file` when given),
// closes (flushing every head to chunks) and reopens, so reads come from chunk files.
Stored Store(const std::string& dir, int streams, double mb, const std::string& raw_file) {
  std::filesystem::remove_all(dir);
  head::IngesterOptions opts;
  opts.dir = dir;
  auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  Stored s;
  s.start = now - 3LL * 3600 * 1000000000LL;   // the workload runs ~1.5 h of stream time per GB
  {
    auto ing = head::Ingester::Open(opts);
    if (!ing.ok()) std::fprintf(stderr, "open: %s\n", ing.status().message().c_str()), std::exit(1);
    bench::Workload wl(42, streams, s.start);
    FILE* out = raw_file.empty() ? nullptr : popen(("lz4 -q -1 -f - " + raw_file).c_str(), "w");
    while (s.raw < mb * 1e6) {
      auto b = wl.NextBatch(1 << 20);
      for (const auto& st : b)
        for (const auto& e : st.entries) {
          s.raw += static_cast<double>(e.line.size());
          s.end = std::max(s.end, e.ts_ns + 1);
          if (out) std::fwrite(e.line.data(), 1, e.line.size(), out), std::fputc('\n', out);
          if (s.first_pod.empty()) s.first_pod = std::string(*st.labels.Get("pod"));
        }
      Status st = (*ing)->Push("fake", std::move(b));
      if (!st.ok()) std::fprintf(stderr, "push: %s\n", st.message().c_str()), std::exit(1);
    }
    if (out) pclose(out);
    if (!(*ing)->Close().ok()) std::exit(1);
  }
  auto ing = head::Ingester::Open(opts);
  if (!ing.ok()) std::exit(1);
  s.ing = std::move(*ing);
  return s;
}

// Runs q `reps` times; prints the best wall and CPU time and raw GB per CPU-second.
double Time(query::Engine& eng, const Stored& s, const std::string& q, int reps, uint32_t limit = 100) {
  query::QueryRequest req;
  req.tenant = "fake";
  req.query = q;
  req.start_ns = s.start;
  req.end_ns = s.end;
  req.limit = limit;
  Result<query::QueryResult> res = Status::Internal("not run");
  const skald::bench::Best best = skald::bench::BestOf(reps, [&] { res = eng.Exec(req); });
  const double wall = best.wall, cpu = best.cpu;
  if (!res.ok()) return std::printf("%s: error %s\n", q.c_str(), res.status().message().c_str()), 0;
  size_t n = 0;
  for (const auto& st : res->streams) n += st.entries.size();
  std::printf("%-60s returned=%zu scanned=%.2f GB wall=%.4fs cpu=%.4fs -> %.2f GB per CPU-s (%.2f per wall-s)\n",
              q.c_str(), n, res->stats.bytes_processed / 1e9, wall, cpu, res->stats.bytes_processed / 1e9 / cpu,
              res->stats.bytes_processed / 1e9 / wall);
  return res->stats.bytes_processed / 1e9 / cpu;
}

// `lz4 -dc f | grep -cF literal` in a child; CPU from the children's rusage.
double Grep(const std::string& file, const std::string& literal, double raw) {
  rusage before{}, after{};
  getrusage(RUSAGE_CHILDREN, &before);
  auto w0 = std::chrono::steady_clock::now();
  std::string cmd = "lz4 -dc " + file + " | LC_ALL=C grep -cF '" + literal + "' > /dev/null";
  if (std::system(cmd.c_str()) < 0) return 0;
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
  getrusage(RUSAGE_CHILDREN, &after);
  auto secs = [](const rusage& r) {
    return r.ru_utime.tv_sec + r.ru_stime.tv_sec + (r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
  };
  double cpu = secs(after) - secs(before);
  std::printf("%-60s wall=%.4fs cpu=%.4fs -> %.2f GB per CPU-s\n", ("lz4 -dc | grep -cF '" + literal + "'").c_str(),
              wall, cpu, raw / 1e9 / cpu);
  return raw / 1e9 / cpu;
}

}  // namespace

int main(int argc, char** argv) {
  setvbuf(stdout, nullptr, _IOLBF, 0);
  const char* env_mb = std::getenv("BENCH_MB");
  const double mb = std::atof(Arg(argc, argv, "--mb", env_mb ? env_mb : "1000"));
  const int reps = std::atoi(Arg(argc, argv, "--reps", "3"));
  const std::string dir = Arg(argc, argv, "--dir", "/tmp/skald-query-bench");
  const std::string raw_file = dir + "-raw.lz4";
  query::EngineOptions eo;
  double c0 = CpuSeconds();
  Stored s = Store(dir, 100, mb, raw_file);
  std::printf("stored %.2f GB raw over 100 streams in %.1f CPU-s; chunks %.3f GB\n", s.raw / 1e9, CpuSeconds() - c0,
              bench::DirBytes(dir + "/chunks") / 1e9);
  query::Engine eng(s.ing.get(), eo);
  const std::string sel = R"({job=~"default/.+"})";
  const std::string lit = "took 9999us, queue=499";
  double ours = Time(eng, s, sel + " |= \"" + lit + "\"", reps);
  double grep = Grep(raw_file, lit, s.raw);
  std::printf("ratio |= literal vs lz4|grep: %.2f\n", grep > 0 ? ours / grep : 0);
  Time(eng, s, sel + " |~ `status=5[0-9]{2} duration=49[0-9]{2}\\.`", reps);
  Time(eng, s, sel + R"( | json | status >= 500)", reps);   // stops at the limit: errors pass
  Time(eng, s, R"({app=~"checkout|worker"} | json | user_id >= 99999)", reps);
  Time(eng, s, sel + R"( | logfmt | status >= 500)", reps);
  Time(eng, s, "{pod=\"" + s.first_pod + "\"}", std::max(reps, 5));
  s.ing.reset();
  Stored k = Store(dir + "-1000", 1000, mb / 10, "");
  std::printf("stored %.2f GB raw over 1000 streams\n", k.raw / 1e9);
  query::Engine eng2(k.ing.get(), eo);
  Time(eng2, k, "{pod=\"" + k.first_pod + "\"}", std::max(reps, 5));
  k.ing.reset();
  if (!std::getenv("BENCH_KEEP")) {
    std::filesystem::remove_all(dir);
    std::filesystem::remove_all(dir + "-1000");
    std::filesystem::remove(raw_file);
  }
  return 0;
}
