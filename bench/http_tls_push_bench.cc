// TLS and auth push cost: starts the real skald-store three times (plain HTTP, server.http_tls_config,
// TLS + a skald_auth credentials file with basic auth) and pushes the same protobuf+snappy batches
// (1 MiB by default) over keep-alive libcurl connections; prints the STORE's lines and MB per
// CPU-second for each and the cost against plain HTTP (issue #18: < 10 %).
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

// What a run turns on: TLS (server.http_tls_config), and basic auth against a credentials file.
struct Kind {
  const char* name;
  std::string tls_yaml;    // "" = plain HTTP
  std::string auth_yaml;   // "" = auth_enabled: false; else the skald_auth section
  std::string userpwd;     // basic auth sent by the clients
};

// One store run: starts it as `k` says, pushes every body once from `threads` keep-alive
// connections, stops it.
RunResult RunStore(const std::string& bin, const std::string& dir, int port, const Kind& k,
                   const std::string& ca, const std::vector<std::string>& bodies, int threads) {
  std::filesystem::remove_all(dir + "/data");
  const std::string cfg = dir + "/store.yaml", log = dir + "/store.log";
  const std::string& tls_yaml = k.tls_yaml;
  std::ofstream(cfg) << "auth_enabled: " << (k.auth_yaml.empty() ? "false" : "true") << "\n" << k.auth_yaml
                     << "server:\n  http_listen_address: 127.0.0.1\n  http_listen_port: "
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
      if (!k.userpwd.empty()) curl_easy_setopt(c, CURLOPT_USERPWD, k.userpwd.c_str());
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
  // A push-only credential with a sha512crypt hash (openssl passwd -6, which the store verifies).
  std::string hash;
  if (FILE* p = popen("openssl passwd -6 bench-Pa55", "r")) {
    char buf[256];
    while (fgets(buf, sizeof buf, p)) hash += buf;
    pclose(p);
  }
  while (!hash.empty() && (hash.back() == '\n' || hash.back() == '\r')) hash.pop_back();
  std::ofstream(dir + "/credentials.yaml") << "credentials:\n  - name: bench\n    basic_auth: {username: bench, "
                                           << "password_hash: \"" << hash << "\"}\n    tenants: [bench]\n"
                                           << "    scopes: [push]\n";
  const std::string auth_yaml = "skald_auth:\n  credentials_file: " + dir + "/credentials.yaml\n";
  const Kind kinds[] = {{"plain   ", "", "", ""}, {"tls     ", tls_yaml, "", ""},
                        {"tls+auth", tls_yaml, auth_yaml, "bench:bench-Pa55"}};
  constexpr int kKinds = 3;
  curl_global_init(CURL_GLOBAL_DEFAULT);

  bench::Workload wl(42, 100);
  std::vector<std::string> bodies;
  int64_t lines = 0, raw_bytes = 0;
  while (lines < lines_target) bodies.push_back(EncodeBatch(wl.NextBatch(batch), &lines, &raw_bytes));
  std::printf("lines=%lld raw_bytes=%lld bodies=%zu threads=%d batch=%zu rounds=%d\n",
              static_cast<long long>(lines), static_cast<long long>(raw_bytes), bodies.size(), threads, batch, rounds);
  // Alternating rounds; the best (lowest CPU) and the mean of each kind are compared (machine noise).
  double best[kKinds] = {1e300, 1e300, 1e300}, sum[kKinds] = {0, 0, 0};
  int failures = 0;
  for (int round = 0; round < rounds; ++round) {
    for (int kind = 0; kind < kKinds; ++kind) {
      RunResult r = RunStore(bin, dir, port, kinds[kind], certs.ca, bodies, threads);
      if (r.failures != 0) failures += std::abs(r.failures);
      best[kind] = std::min(best[kind], r.cpu);
      sum[kind] += r.cpu;
      std::printf("%s round=%d store_cpu_s=%.3f wall_s=%.3f lines_per_cpu_s=%.0f MB_per_cpu_s=%.1f failures=%d\n",
                  kinds[kind].name, round, r.cpu, r.wall, lines / r.cpu, raw_bytes / r.cpu / 1e6, r.failures);
    }
  }
  for (int kind = 0; kind < kKinds; ++kind) {   // cost against plain HTTP, best round and mean
    std::printf("%s best: lines_per_cpu_s=%.0f MB_per_cpu_s=%.1f cost=%.1f%% | mean store_cpu_s=%.3f cost=%.1f%%\n",
                kinds[kind].name, lines / best[kind], raw_bytes / best[kind] / 1e6, (1 - best[0] / best[kind]) * 100,
                sum[kind] / rounds, (1 - sum[0] / sum[kind]) * 100);
  }
  if (!std::getenv("BENCH_KEEP")) std::filesystem::remove_all(dir);
  return failures == 0 ? 0 : 1;
}
