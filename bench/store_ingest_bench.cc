// Store ingest benchmark: pushes the seeded mixed-log workload through PushSink (WAL on, default
// group fsync), then reports lines/s and MB/s per CPU-second, bytes on disk per raw byte, peak RSS.
#include <malloc.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_util.h"
#include "bench/workload.h"
#include "store/head/ingester.h"

using namespace skald;
using skald::bench::Arg;
using skald::bench::CpuSeconds;
using skald::bench::CurrentRssKb;
using skald::bench::DirBytes;
using skald::bench::PeakRssKb;

namespace {

double ThreadCpu() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t lines_target = std::atoll(Arg(argc, argv, "--lines", "2000000"));
  const int threads = std::atoi(Arg(argc, argv, "--threads", "2"));
  const size_t batch = static_cast<size_t>(std::atoll(Arg(argc, argv, "--batch", "1048576")));
  std::string dir = Arg(argc, argv, "--dir", "/tmp/skald-store-bench");
  std::filesystem::remove_all(dir);

  if (std::getenv("BENCH_MALLOPT")) {
    mallopt(M_MMAP_THRESHOLD, 128 << 10);
    mallopt(M_ARENA_MAX, 2);
  }
  head::IngesterOptions opts;
  opts.dir = dir;
  opts.cfg.wal_fsync = Arg(argc, argv, "--fsync", "group");
  opts.encoding.level = std::atoi(Arg(argc, argv, "--level", "3"));
  opts.memory_budget = std::atoll(Arg(argc, argv, "--budget-mb", "16")) << 20;
  auto ing = head::Ingester::Open(opts);
  if (!ing.ok()) {
    std::fprintf(stderr, "open: %s\n", ing.status().message().c_str());
    return 1;
  }
  long idle_rss = CurrentRssKb();
  bench::Workload wl(42, 100);
  std::mutex gen_mu;
  std::atomic<int64_t> lines{0}, bytes{0};
  std::atomic<double> gen_cpu{0};
  double cpu0 = CpuSeconds();
  auto wall0 = std::chrono::steady_clock::now();
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&] {
      for (;;) {
        std::vector<LogStream> b;
        {
          std::lock_guard<std::mutex> lk(gen_mu);
          if (lines.load() >= lines_target) return;
          double c0 = ThreadCpu();
          b = wl.NextBatch(batch);
          int64_t n = 0, by = 0;
          for (const auto& s : b)
            for (const auto& e : s.entries) n++, by += static_cast<int64_t>(e.line.size());
          lines += n;
          bytes += by;
          gen_cpu = gen_cpu + (ThreadCpu() - c0);
        }
        Status st = (*ing)->Push("fake", std::move(b));
        if (!st.ok()) std::fprintf(stderr, "push: %s\n", st.message().c_str()), std::exit(1);
      }
    });
  }
  std::atomic<bool> done{false};
  std::thread monitor([&] {
    while (!done) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      if (std::getenv("BENCH_VERBOSE"))
        std::fprintf(stderr, "rss_mb=%.1f head_mb=%.1f malloc_inuse_mb=%.1f mmap_mb=%.1f\n", CurrentRssKb() / 1024.0,
                     (*ing)->stats().head_bytes / 1048576.0, mallinfo2().uordblks / 1048576.0, mallinfo2().hblkhd / 1048576.0);
    }
  });
  for (auto& t : ts) t.join();
  done = true;
  monitor.join();
  double push_wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  Status st = (*ing)->Close();   // flushes every head to chunks, as a graceful shutdown does
  if (!st.ok()) std::fprintf(stderr, "close: %s\n", st.message().c_str());
  double cpu = CpuSeconds() - cpu0 - gen_cpu.load();
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  auto s = (*ing)->stats();
  malloc_trim(0);   // what the flush loop does once heads are empty
  long rss_after_close = CurrentRssKb();
  ing->reset();   // closes the index (checkpointing its SQLite WAL) before sizes are taken
  uint64_t chunks = DirBytes(dir + "/chunks"), total = DirBytes(dir);
  double raw = static_cast<double>(bytes.load());
  std::printf("lines=%lld raw_bytes=%.0f avg_line=%.1f threads=%d batch=%zu fsync=%s level=%d\n",
              static_cast<long long>(lines.load()), raw, raw / lines.load(), threads, batch,
              opts.cfg.wal_fsync.c_str(), opts.encoding.level);
  std::printf("ingest_cpu_s=%.3f (generator cpu %.3f s excluded) wall_s=%.3f (push phase %.3f s)\n", cpu,
              gen_cpu.load(), wall, push_wall);
  std::printf("lines_per_cpu_s=%.0f MB_per_cpu_s=%.1f lines_per_wall_s=%.0f\n", lines.load() / cpu, raw / cpu / 1e6,
              lines.load() / wall);
  std::printf("disk_chunks_per_raw=%.4f disk_total_per_raw=%.4f (chunks %llu B, all files incl. index %llu B)\n",
              chunks / raw, total / raw, static_cast<unsigned long long>(chunks), static_cast<unsigned long long>(total));
  std::printf("rss_after_open_mb=%.1f rss_after_flush_mb=%.1f peak_rss_mb=%.1f wal_fsyncs=%llu wal_records=%llu "
              "chunks=%lld\n",
              idle_rss / 1024.0, rss_after_close / 1024.0, PeakRssKb() / 1024.0, static_cast<unsigned long long>(s.wal.fsyncs),
              static_cast<unsigned long long>(s.wal.records), static_cast<long long>(s.chunks_flushed));
  if (!std::getenv("BENCH_KEEP")) std::filesystem::remove_all(dir);
  return 0;
}
