// End-to-end against a real dockerd: the Shipper discovers containers over the socket, tails their
// json-file logs and pushes to a fake store (httplib, snappy+protobuf). Fails loudly without dockerd.
#include <catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "collector/shipper.h"
#include "tests/e2e/docker_harness.h"
#include "tests/test_support.h"

using namespace skald;
using namespace std::chrono_literals;

namespace {
using e2e::Got;
using Receiver = e2e::PushReceiver;

template <typename F> bool WaitFor(F f, std::chrono::milliseconds limit) {
  return test_support::WaitFor(f, limit, 50ms);
}

// Distinct numbers n seen in lines "<prefix>n..." and the count of duplicates.
std::pair<std::set<int>, size_t> Numbers(const std::vector<Got>& got, const std::string& prefix) {
  std::set<int> seen;
  size_t dups = 0;
  for (const auto& g : got) {
    int n = std::atoi(g.line.c_str() + prefix.size());
    if (!seen.insert(n).second) ++dups;
  }
  return {seen, dups};
}

CollectorConfig MakeConfig(const std::string& docker_host, const std::string& positions, const std::string& url,
                           std::vector<std::pair<std::string, std::vector<std::string>>> filters = {}) {
  CollectorConfig cfg;
  cfg.positions.filename = positions;
  cfg.positions.sync_period_ns = 20'000'000;
  ClientConfig c;
  c.url = url;
  c.batchwait_ns = 100'000'000;
  c.backoff.min_period_ns = 100'000'000;
  c.backoff.max_period_ns = 500'000'000;
  c.backoff.max_retries = 100;
  cfg.clients.push_back(c);
  ScrapeConfig sc;
  sc.job_name = "docker";
  DockerSDConfig d;
  d.host = docker_host;
  d.refresh_interval_ns = 5'000'000'000LL;
  d.filters = std::move(filters);
  sc.docker_sd_configs.push_back(d);
  cfg.scrape_configs.push_back(sc);
  return cfg;
}

// Keeps the meta labels so the test can check them (the default drops "__" labels).
Result<ScrapeHooks> KeepMeta(const ScrapeConfig&) {
  ScrapeHooks h;
  h.relabel = [](LabelSet&) { return true; };
  return h;
}

pid_t SpawnChild(const std::string& env, const std::string& log) {
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setenv("SKALD_E2E_CHILD", env.c_str(), 1);
    FILE* f = std::freopen(log.c_str(), "a", stderr);
    (void)f;
    ::execl("/proc/self/exe", "docker_child", "[e2e-child]", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}
}  // namespace

// Run only as a child process by the kill -9 scenario: a Shipper that runs until it is killed.
TEST_CASE("e2e shipper child process", "[.][e2e-child]") {
  const char* env = std::getenv("SKALD_E2E_CHILD");
  REQUIRE(env != nullptr);
  std::string s = env;
  size_t a = s.find('|'), b = s.find('|', a + 1);
  Shipper shipper(MakeConfig(s.substr(0, a), s.substr(a + 1, b - a - 1), s.substr(b + 1), {{"name", {"steady"}}}), KeepMeta);
  REQUIRE(shipper.Start().ok());
  for (;;) std::this_thread::sleep_for(1s);
}

TEST_CASE("docker e2e: discovery, labels, late containers, rotation, long lines, outage, kill -9") {
  auto daemon = e2e::DockerDaemon::Start();
  INFO(daemon.status().message());
  REQUIRE(daemon.ok());  // where dockerd cannot start this fails, it never skips
  const e2e::DockerDaemon& d = **daemon;
  auto imp = d.ImportBusybox();
  INFO(imp.message());
  REQUIRE(imp.ok());
  Receiver rx;

  auto web = d.RunShell({"--name", "web1", "-l", "com.docker.compose.service=web", "-l", "com.docker.compose.project=demo"},
                        "i=0; while [ $i -lt 50 ]; do echo out-$i; echo err-$i >&2; i=$((i+1)); done; "
                        "printf 'big-'; head -c 20476 /dev/zero | tr '\\0' x; echo; sleep 300");
  INFO(web.status().message());
  REQUIRE(web.ok());
  const std::string positions = d.dir() + "/positions.yaml";
  Shipper shipper(MakeConfig(d.host(), positions, rx.url()), KeepMeta);
  REQUIRE(shipper.Start().ok());

  // stdout and stderr lines with Promtail's meta labels
  REQUIRE(WaitFor([&] { return rx.With("out-").size() == 50 && rx.With("err-").size() == 50; }, 20s));
  const auto out = rx.With("out-");
  const auto err = rx.With("err-");
  for (const char* want : {"__meta_docker_container_name=\"/web1\"", "__meta_docker_container_network_mode=\"none\"",
                           "__meta_docker_container_image=\"busybox:skald\"",
                           "__meta_docker_container_label_com_docker_compose_service=\"web\"",
                           "__meta_docker_container_label_com_docker_compose_project=\"demo\"",
                           "__meta_docker_network_name=\"none\""}) {
    INFO(out[0].labels);
    REQUIRE(out[0].labels.find(want) != std::string::npos);
  }
  REQUIRE(out[0].labels.find("__meta_docker_container_id=\"" + *web + "\"") != std::string::npos);
  REQUIRE(out[0].labels.find("__meta_docker_container_log_stream=\"stdout\"") != std::string::npos);
  REQUIRE(err[0].labels.find("__meta_docker_container_log_stream=\"stderr\"") != std::string::npos);
  REQUIRE(Numbers(out, "out-").first.size() == 50);
  REQUIRE(out[0].ts > 1'600'000'000'000'000'000LL);

  // a 20 KiB line (split by json-file into 16 KiB records) arrives whole
  REQUIRE(WaitFor([&] { return !rx.With("big-").empty(); }, 10s));
  const auto big = rx.With("big-");
  REQUIRE(big.size() == 1);
  REQUIRE(big[0].line == "big-" + std::string(20476, 'x'));

  // a container started after the collector shows up within a couple of seconds
  auto t0 = std::chrono::steady_clock::now();
  REQUIRE(d.RunShell({"--name", "late"}, "echo late-hello; sleep 300").ok());
  REQUIRE(WaitFor([&] { return rx.With("late-hello").size() == 1; }, 10s));
  const auto late_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  INFO("late container delivered after " << late_ms << " ms (includes docker run)");
  REQUIRE(late_ms < 5000);

  // rotation by json-file max-size/max-file: every line exactly once
  const int kRot = 20000;
  REQUIRE(d.RunShell({"--name", "rot", "--log-opt", "max-size=1m", "--log-opt", "max-file=3"},
                     "i=0; while [ $i -lt " + std::to_string(kRot) + " ]; do echo rot-$i-" + std::string(60, 'r') +
                         "; i=$((i+1)); done; sleep 300").ok());
  REQUIRE(WaitFor([&] { return Numbers(rx.With("rot-"), "rot-").first.size() == kRot; }, 60s));
  auto [rot_seen, rot_dups] = Numbers(rx.With("rot-"), "rot-");
  REQUIRE(rot_dups == 0);
  auto rot_path = d.Docker({"inspect", "--format", "{{.LogPath}}", "rot"});
  REQUIRE(rot_path.ok());
  REQUIRE(std::filesystem::exists(*rot_path + ".1"));  // rotation really happened

  // a container removed while logging: what was read arrives as a gap-free prefix
  REQUIRE(d.RunShell({"--name", "doomed"}, "i=0; while true; do echo doomed-$i; i=$((i+1)); usleep 2000; done").ok());
  REQUIRE(WaitFor([&] { return rx.With("doomed-").size() > 100; }, 10s));
  REQUIRE(d.Docker({"rm", "-f", "doomed"}).ok());
  std::this_thread::sleep_for(3500ms);
  auto [doomed, doomed_dups] = Numbers(rx.With("doomed-"), "doomed-");
  REQUIRE(doomed_dups == 0);
  REQUIRE(*doomed.rbegin() == static_cast<int>(doomed.size()) - 1);

  // the store down for a while: everything is delivered once it returns
  rx.set_down(true);
  REQUIRE(d.RunShell({"--name", "outage"}, "i=0; while [ $i -lt 3000 ]; do echo outage-$i; i=$((i+1)); done; sleep 300").ok());
  std::this_thread::sleep_for(2s);
  REQUIRE(rx.With("outage-").empty());
  rx.set_down(false);
  REQUIRE(WaitFor([&] { return Numbers(rx.With("outage-"), "outage-").first.size() == 3000; }, 20s));
  shipper.Stop();

  // kill -9 of a collector process mid-stream, then restart: nothing missing, duplicates bounded
  const int kSteady = 30000;
  REQUIRE(d.RunShell({"--name", "steady"}, "i=0; while [ $i -lt " + std::to_string(kSteady) +
                                               " ]; do echo steady-$i; i=$((i+1)); [ $((i % 100)) -eq 0 ] && usleep 20000; done; sleep 300").ok());
  const std::string env = d.host() + "|" + d.dir() + "/child-positions.yaml|" + rx.url();
  pid_t child = SpawnChild(env, d.dir() + "/child.log");
  REQUIRE(WaitFor([&] { return rx.With("steady-").size() > 3000; }, 20s));
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  const size_t before_restart = rx.With("steady-").size();
  std::this_thread::sleep_for(500ms);
  child = SpawnChild(env, d.dir() + "/child.log");
  const bool complete = WaitFor([&] { return Numbers(rx.With("steady-"), "steady-").first.size() == kSteady; }, 40s);
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  auto [steady, steady_dups] = Numbers(rx.With("steady-"), "steady-");
  std::fprintf(stderr, "kill -9 scenario: %zu steady lines before restart, %zu duplicates, largest request %zu\n",
               before_restart, steady_dups, rx.max_request());
  INFO("received before kill " << before_restart << ", duplicates " << steady_dups << ", largest request " << rx.max_request());
  REQUIRE(complete);
  REQUIRE(steady.size() == kSteady);
  REQUIRE(steady_dups <= rx.max_request());
}
