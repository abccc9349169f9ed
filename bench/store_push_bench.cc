// Store push benchmark over the wire: starts the real skald-store binary, pushes the seeded mixed-log
// workload as Loki protobuf+snappy bodies from N client threads, and reports the STORE process's
// lines and MB per CPU-second (from /proc/<pid>/stat), idle and peak RSS (VmHWM), bytes on disk.
#include <signal.h>
#include <snappy.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include "bench/bench_util.h"
#include "bench/push_body.h"
#include "bench/workload.h"
#include "push.pb.h"

extern char** environ;

using namespace skald;
using skald::bench::Arg;
using skald::bench::EncodeBatch;
using skald::bench::ProcCpuSeconds;
using skald::bench::DirBytes;

namespace {

long ProcStatusKb(pid_t pid, const char* key) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind(key, 0) == 0) return std::atol(line.c_str() + std::strlen(key) + 1);
  return 0;
}

pid_t StartStore(const std::string& bin, const std::string& cfg, const std::string& log) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  std::string flag = "-config.file=" + cfg;
  char* argv[] = {const_cast<char*>(bin.c_str()), const_cast<char*>(flag.c_str()), nullptr};
  pid_t pid = -1;
  if (posix_spawn(&pid, bin.c_str(), &fa, nullptr, argv, environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t lines_target = std::atoll(Arg(argc, argv, "--lines", "2000000"));
  const int threads = std::atoi(Arg(argc, argv, "--threads", "2"));
  const size_t batch = static_cast<size_t>(std::atoll(Arg(argc, argv, "--batch", "1048576")));
  const int port = std::atoi(Arg(argc, argv, "--port", "31999"));
  std::string dir = Arg(argc, argv, "--dir", "/tmp/skald-push-bench");
  const std::string ingest_priority = Arg(argc, argv, "--ingest-priority", "latency");   // or realtime
  std::string bin = Arg(argc, argv, "--store", "");
  if (bin.empty()) {
    std::error_code ec;
    auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    bin = (self.parent_path() / "skald-store").string();   // benches and binaries share bin/
  }
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string cfg = dir + "/store.yaml";
  std::ofstream(cfg) << "auth_enabled: false\nserver:\n  http_listen_address: 127.0.0.1\n  http_listen_port: "
                     << port << "\n  log_level: warn\n  ingest_cpu_priority: " << ingest_priority << "\ncommon:\n  path_prefix: " << dir << "/data\n"
                     << "limits_config:\n  ingestion_rate_mb: 100000\n  ingestion_burst_size_mb: 100000\n"
                     << "  per_stream_rate_limit: 10GB\n  per_stream_rate_limit_burst: 10GB\n"
                     << "  reject_old_samples: false\n";

  // Encode every body before the store starts, so the clients cost little while it is measured.
  bench::Workload wl(42, 100);
  std::vector<std::string> bodies;
  int64_t lines = 0, raw_bytes = 0;
  while (lines < lines_target) bodies.push_back(EncodeBatch(wl.NextBatch(batch), &lines, &raw_bytes));

  pid_t pid = StartStore(bin, cfg, dir + "/store.log");
  if (pid <= 0) return std::fprintf(stderr, "cannot start %s\n", bin.c_str()), 1;
  httplib::Client probe("127.0.0.1", port);
  bool ready = false;
  for (int i = 0; i < 200 && !ready; ++i) {
    auto r = probe.Get("/ready");
    ready = r && r->status == 200;
    if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!ready) return std::fprintf(stderr, "store not ready; see %s/store.log\n", dir.c_str()), kill(pid, SIGKILL), 1;
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  long idle_rss = ProcStatusKb(pid, "VmRSS:");

  double cpu0 = ProcCpuSeconds(pid);
  auto wall0 = std::chrono::steady_clock::now();
  std::atomic<size_t> next{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&] {
      httplib::Client c("127.0.0.1", port);
      c.set_read_timeout(60, 0);
      for (size_t i; (i = next++) < bodies.size();) {
        auto r = c.Post("/loki/api/v1/push", bodies[i], "application/x-protobuf");
        if (!r || r->status != 204) failures++;
      }
    });
  }
  for (auto& t : ts) t.join();
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  double cpu = ProcCpuSeconds(pid) - cpu0;
  long peak_rss = ProcStatusKb(pid, "VmHWM:");
  kill(pid, SIGTERM);   // graceful: flushes heads to chunks
  int status = 0;
  waitpid(pid, &status, 0);
  uint64_t chunks = DirBytes(dir + "/data/chunks"), total = DirBytes(dir + "/data");
  double raw = static_cast<double>(raw_bytes);
  std::printf("lines=%lld raw_bytes=%.0f bodies=%zu threads=%d batch=%zu failures=%d\n",
              static_cast<long long>(lines), raw, bodies.size(), threads, batch, failures.load());
  std::printf("store_cpu_s=%.3f wall_s=%.3f lines_per_cpu_s=%.0f MB_per_cpu_s=%.1f lines_per_wall_s=%.0f\n", cpu,
              wall, lines / cpu, raw / cpu / 1e6, lines / wall);
  std::printf("idle_rss_mb=%.1f peak_rss_mb=%.1f disk_chunks_per_raw=%.4f disk_total_per_raw=%.4f exit=%d\n",
              idle_rss / 1024.0, peak_rss / 1024.0, chunks / raw, total / raw,
              WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  if (!std::getenv("BENCH_KEEP")) std::filesystem::remove_all(dir);
  return failures.load() == 0 ? 0 : 1;
}
