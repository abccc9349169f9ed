// TLS push cost: starts the real skald-store twice (plain HTTP, then server.http_tls_config) and
// pushes the same protobuf+snappy batches (1 MiB by default) over keep-alive libcurl connections;
// prints the STORE's lines and MB per CPU-second for both and the TLS/plain ratio (issue #18: <10 %).
#include <curl/curl.h>
#include <fcntl.h>
#include <signal.h>
#include <snappy.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_util.h"
#include "bench/push_body.h"
#include "bench/workload.h"
#include "common/http/http_server.h"
#include "push.pb.h"
#include "tests/test_certs.h"

extern char** environ;

using namespace skald;
using skald::bench::Arg;
using skald::bench::EncodeBatch;
using skald::bench::ProcCpuSeconds;

namespace {

size_t Discard(char*, size_t n, size_t m, void*) { return n * m; }

struct RunResult {
  double cpu = 0, wall = 0;
  int failures = 0;
};

// One store run: starts it with `tls_yaml` (may be ""), pushes every body once from `threads`
// keep-alive connections, stops it.
RunResult RunStore(const std::string& bin, const std::string& dir, int port, const std::string& tls_yaml,
                   const std::string& ca, const std::vector<std::string>& bodies, int threads) {
  std::filesystem::remove_all(dir + "/data");
  const std::string cfg = dir + "/store.yaml", log = dir + "/store.log";
  std::ofstream(cfg) << "auth_enabled: false\nserver:\n  http_listen_address: 127.0.0.1\n  http_listen_port: "
                     << port << "\n  log_level: warn\n" << tls_yaml << "common:\n  path_prefix: " << dir
                     << "/data\nlimits_config:\n  ingestion_rate_mb: 100000\n  ingestion_burst_size_mb: 100000\n"
                     << "  per_stream_rate_limit: 10GB\n  per_stream_rate_limit_burst: 10GB\n"
                     << "  reject_old_samples: false\n";
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  std::string flag = "-config.file=" + cfg;
  char* argv[] = {const_cast<char*>(bin.c_str()), const_cast<char*>(flag.c_str()), nullptr};
  pid_t pid = -1;
  RunResult r;
  if (posix_spawn(&pid, bin.c_str(), &fa, nullptr, argv, environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&fa);
  bool tls = !tls_yaml.empty();
  bool ready = false;
  for (int i = 0; pid > 0 && i < 200 && !ready; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ready = (tls ? HttpsGetStatus("127.0.0.1", port, "/ready", 1000)
                 : HttpGetStatus("127.0.0.1", port, "/ready", 1000)) == 200;
  }
  if (!ready) {
    std::fprintf(stderr, "store not ready; see %s\n", log.c_str());
    if (pid > 0) kill(pid, SIGKILL), waitpid(pid, nullptr, 0);
    r.failures = -1;
    return r;
  }
  std::string url = std::string(tls ? "https" : "http") + "://localhost:" + std::to_string(port) + "/loki/api/v1/push";
  std::atomic<size_t> next{0};
  std::atomic<int> failures{0};
  double cpu0 = ProcCpuSeconds(pid);
  auto wall0 = std::chrono::steady_clock::now();
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&] {
      CURL* c = curl_easy_init();
      curl_slist* h = curl_slist_append(nullptr, "Content-Type: application/x-protobuf");
      h = curl_slist_append(h, "Expect:");
      curl_easy_setopt(c, CURLOPT_URL, url.c_str());
      curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
      curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Discard);
      if (tls) curl_easy_setopt(c, CURLOPT_CAINFO, ca.c_str());
      for (size_t i; (i = next++) < bodies.size();) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, bodies[i].data());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(bodies[i].size()));
        long code = 0;
        if (curl_easy_perform(c) != CURLE_OK) failures++;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
        if (code != 204) failures++;
      }
      curl_slist_free_all(h);
      curl_easy_cleanup(c);
    });
  }
  for (auto& t : ts) t.join();
  r.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  r.cpu = ProcCpuSeconds(pid) - cpu0;
  r.failures = failures.load();
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t lines_target = std::atoll(Arg(argc, argv, "--lines", "1000000"));
  const int threads = std::atoi(Arg(argc, argv, "--threads", "2"));
  const size_t batch = static_cast<size_t>(std::atoll(Arg(argc, argv, "--batch", "1048576")));
  const int port = std::atoi(Arg(argc, argv, "--port", "31998"));
  const int rounds = std::atoi(Arg(argc, argv, "--rounds", "2"));
  std::string dir = Arg(argc, argv, "--dir", "/tmp/skald-tls-push-bench");
  std::string bin = Arg(argc, argv, "--store", "");
  if (bin.empty()) bin = (std::filesystem::read_symlink("/proc/self/exe").parent_path() / "skald-store").string();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto certs = testing::MakeTestCerts(dir + "/certs");
  std::string tls_yaml = "  http_tls_config:\n    cert_file: " + certs.server_cert + "\n    key_file: " +
                         certs.server_key + "\n";
  curl_global_init(CURL_GLOBAL_DEFAULT);

  bench::Workload wl(42, 100);
  std::vector<std::string> bodies;
  int64_t lines = 0, raw_bytes = 0;
  while (lines < lines_target) bodies.push_back(EncodeBatch(wl.NextBatch(batch), &lines, &raw_bytes));
  std::printf("lines=%lld raw_bytes=%lld bodies=%zu threads=%d batch=%zu rounds=%d\n",
              static_cast<long long>(lines), static_cast<long long>(raw_bytes), bodies.size(), threads, batch, rounds);
  // Alternating rounds; the best (lowest CPU) and the mean of each kind are compared (machine noise).
  double best[2] = {1e300, 1e300}, sum[2] = {0, 0};
  int failures = 0;
  for (int round = 0; round < rounds; ++round) {
    for (int kind = 0; kind < 2; ++kind) {
      RunResult r = RunStore(bin, dir, port, kind ? tls_yaml : "", certs.ca, bodies, threads);
      if (r.failures != 0) failures += std::abs(r.failures);
      best[kind] = std::min(best[kind], r.cpu);
      sum[kind] += r.cpu;
      std::printf("%s round=%d store_cpu_s=%.3f wall_s=%.3f lines_per_cpu_s=%.0f MB_per_cpu_s=%.1f failures=%d\n",
                  kind ? "tls  " : "plain", round, r.cpu, r.wall, lines / r.cpu, raw_bytes / r.cpu / 1e6,
                  r.failures);
    }
  }
  double plain = lines / best[0], tls = lines / best[1];
  std::printf("best: plain_lines_per_cpu_s=%.0f tls_lines_per_cpu_s=%.0f plain_MB_per_cpu_s=%.1f "
              "tls_MB_per_cpu_s=%.1f tls_cost=%.1f%%\n",
              plain, tls, raw_bytes / best[0] / 1e6, raw_bytes / best[1] / 1e6, (1 - tls / plain) * 100);
  std::printf("mean: plain_store_cpu_s=%.3f tls_store_cpu_s=%.3f tls_cost=%.1f%%\n", sum[0] / rounds,
              sum[1] / rounds, (1 - sum[0] / sum[1]) * 100);
  if (!std::getenv("BENCH_KEEP")) std::filesystem::remove_all(dir);
  return failures == 0 ? 0 : 1;
}
