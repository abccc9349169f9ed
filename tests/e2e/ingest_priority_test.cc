// server.ingest_cpu_priority on the real binary: with realtime the threads a push waits on (HTTP
// I/O, the push pool, the WAL writer) run SCHED_RR while the general pool (admin, export) and the
// query threads keep the normal policy; an unprivileged store with an rtprio limit of 1 gets it
// too; without that limit or CAP_SYS_NICE the store starts, says how to allow it, and keeps the
// normal policy.
#include <catch.hpp>
#include <httplib.h>
#include <signal.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/process.h"
#include "tests/e2e/store_under_test.h"

using namespace skald::e2e;

namespace {

std::string PriorityYaml(int port, const std::string& dir, const std::string& priority) {
  std::string yaml = "auth_enabled: false\nserver:\n  http_listen_address: 127.0.0.1\n  http_listen_port: " +
                     std::to_string(port) + "\n";
  if (!priority.empty()) yaml += "  ingest_cpu_priority: " + priority + "\n";
  return yaml + "common:\n  path_prefix: " + dir + "/data\n";
}

// Calls fn(thread id, thread name, /proc/<pid>/task/<tid>) for every thread of the process.
void ForEachThread(int pid, const std::function<void(pid_t, const std::string&, const std::string&)>& fn) {
  for (const auto& t : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
    const std::string dir = t.path().string();
    std::string name = ReadFile(dir + "/comm");
    while (!name.empty() && name.back() == '\n') name.pop_back();
    fn(static_cast<pid_t>(std::stoi(t.path().filename().string())), name, dir);
  }
}

// Thread name -> the scheduling policies its threads run under (sched_getscheduler per thread id).
std::map<std::string, std::set<int>> PoliciesByThreadName(int pid) {
  std::map<std::string, std::set<int>> out;
  ForEachThread(pid, [&](pid_t tid, const std::string& name, const std::string&) {
    const int policy = sched_getscheduler(tid);
    if (policy >= 0) out[name].insert(policy & ~SCHED_RESET_ON_FORK);
  });
  return out;
}

// Voluntary context switches of the threads named `name`: a worker blocks at least once per task.
long SwitchesOf(int pid, const std::string& name) {
  long n = 0;
  ForEachThread(pid, [&](pid_t, const std::string& comm, const std::string& dir) {
    if (comm != name) return;
    const std::string st = ReadFile(dir + "/status");
    const size_t at = st.find("voluntary_ctxt_switches:");
    if (at != std::string::npos && (at == 0 || st[at - 1] == '\n')) n += std::atol(st.c_str() + at + 24);
  });
  return n;
}

int PriorityOf(int pid, const std::string& name) {   // the highest RT priority among those threads
  int best = 0;
  ForEachThread(pid, [&](pid_t tid, const std::string& comm, const std::string&) {
    sched_param sp{};
    if (comm == name && sched_getparam(tid, &sp) == 0) best = std::max(best, sp.sched_priority);
  });
  return best;
}

bool CanUseRealtime() {  // root with CAP_SYS_NICE (CI), or an rtprio limit
  sched_param sp{};
  sp.sched_priority = 1;
  bool ok = false;
  std::thread([&] { ok = sched_setscheduler(0, SCHED_RR, &sp) == 0; }).join();
  return ok;
}

bool HaveUtilLinuxTools() {  // setpriv and prlimit run the store with other credentials and limits
  return access("/usr/bin/setpriv", X_OK) == 0 && access("/usr/bin/prlimit", X_OK) == 0;
}

void PushAndQuery(int port) {
  httplib::Client c("127.0.0.1", port);
  const int64_t ts = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count();
  auto r = c.Post("/loki/api/v1/push",
                  R"({"streams":[{"stream":{"job":"prio"},"values":[[")" + std::to_string(ts) + R"(","hello"]]}]})",
                  "application/json");
  REQUIRE(r);
  CHECK(r->status == 204);
  auto q = c.Get("/loki/api/v1/query_range?query=%7Bjob%3D%22prio%22%7D&start=" + std::to_string(ts - 1000) +
                 "&end=" + std::to_string(ts + 1000));
  REQUIRE(q);
  CHECK(q->status == 200);
  CHECK(q->body.find("hello") != std::string::npos);
}

}  // namespace

TEST_CASE("ingest_cpu_priority realtime: push threads run SCHED_RR, query threads do not", "[e2e][priority]") {
  if (!CanUseRealtime()) {
    WARN("this process may not use SCHED_RR (no CAP_SYS_NICE, rtprio limit 0): realtime case skipped");
    return;
  }
  TempDir dir("skald-prio");
  StoreUnderTest store(dir.path());
  WriteFile(store.config(), PriorityYaml(store.port(), dir.path(), "realtime"));
  REQUIRE(store.Start());
  INFO("store log: " << store.log());
  PushAndQuery(store.port());
  auto p = PoliciesByThreadName(store.pid());
  CHECK(p["http-io"] == std::set<int>{SCHED_RR});
  CHECK(p["http-ingest"] == std::set<int>{SCHED_RR});
  CHECK(p["wal-writer"] == std::set<int>{SCHED_RR});
  CHECK(p["http-worker"] == std::set<int>{SCHED_OTHER});   // export, backup, admin: never real-time
  CHECK(p["http-query"] == std::set<int>{SCHED_OTHER});
  // Every push passes the network thread and the WAL writer: they preempt busy push workers.
  CHECK(PriorityOf(store.pid(), "http-io") == 2);
  CHECK(PriorityOf(store.pid(), "wal-writer") == 2);
  CHECK(PriorityOf(store.pid(), "http-ingest") == 1);
  CHECK(ReadFile(store.log()).find("realtime refused") == std::string::npos);
  CHECK(store.Stop() == 0);
}

TEST_CASE("ingest_cpu_priority: the default keeps the normal policy", "[e2e][priority]") {
  TempDir dir("skald-prio");
  StoreUnderTest store(dir.path());
  WriteFile(store.config(), PriorityYaml(store.port(), dir.path(), ""));
  REQUIRE(store.Start());
  const long before = SwitchesOf(store.pid(), "http-ingest");
  for (int i = 0; i < 20; ++i) PushAndQuery(store.port());
  CHECK(SwitchesOf(store.pid(), "http-ingest") - before >= 20);   // pushes run on the push pool
  auto p = PoliciesByThreadName(store.pid());
  for (const char* name : {"http-io", "http-ingest", "http-worker", "wal-writer", "http-query"}) {
    INFO(name);
    CHECK(p[name] == std::set<int>{SCHED_OTHER});
  }
  CHECK(store.Stop() == 0);
}

TEST_CASE("ingest_cpu_priority realtime without CAP_SYS_NICE: starts, says how to grant it, normal policy",
          "[e2e][priority]") {
  if (geteuid() != 0 || !HaveUtilLinuxTools()) {
    WARN("not root or no setpriv/prlimit: the case that drops CAP_SYS_NICE is skipped");
    return;
  }
  TempDir dir("skald-prio");
  const int port = FreePort();
  const std::string cfg = dir.path() + "/store.yaml", log = dir.path() + "/store.log";
  WriteFile(cfg, PriorityYaml(port, dir.path(), "realtime"));
  // No CAP_SYS_NICE and an rtprio limit of 0: the kernel refuses SCHED_RR.
  Process proc({"/usr/bin/setpriv", "--bounding-set=-sys_nice", "--inh-caps=-sys_nice", "--",
                "/usr/bin/prlimit", "--rtprio=0", BinPath("skald-store"), "-config.file=" + cfg},
               log);
  REQUIRE(WaitReady(port, 15000));
  INFO("store log: " << log);
  PushAndQuery(port);
  auto p = PoliciesByThreadName(proc.pid());
  for (const char* name : {"http-io", "http-ingest", "wal-writer"}) {
    INFO(name);
    CHECK(p[name] == std::set<int>{SCHED_OTHER});
  }
  const std::string text = ReadFile(log);
  CHECK(CountOf(text, "realtime refused") == 1);   // once per process, not once per thread
  CHECK(text.find("rtprio=2") != std::string::npos);
  proc.Kill(SIGTERM);
  CHECK(proc.WaitFor(30000) == 0);
}

TEST_CASE("ingest_cpu_priority realtime as an unprivileged user with an rtprio limit of 1 (docker --ulimit)",
          "[e2e][priority]") {
  if (geteuid() != 0 || !HaveUtilLinuxTools() || !CanUseRealtime()) {
    WARN("not root, no setpriv/prlimit, or no SCHED_RR here: the unprivileged rtprio case is skipped");
    return;
  }
  // Raising the hard rtprio limit needs CAP_SYS_RESOURCE, which some sandboxes' root lacks.
  if (Run({"/usr/bin/prlimit", "--rtprio=1", "--", "/bin/true"}, 10000).code != 0) {
    WARN("prlimit --rtprio=1 refused here (no CAP_SYS_RESOURCE): the unprivileged rtprio case is skipped");
    return;
  }
  TempDir dir("skald-prio");
  REQUIRE(chmod(dir.path().c_str(), 0777) == 0);   // the store runs as nobody
  const int port = FreePort();
  const std::string cfg = dir.path() + "/store.yaml", log = dir.path() + "/store.log";
  WriteFile(cfg, PriorityYaml(port, dir.path(), "realtime"));
  // As the image does (uid 10001 there): no capabilities at all, only the rtprio limit.
  Process proc({"/usr/bin/prlimit", "--rtprio=1", "--", "/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", BinPath("skald-store"),
                "-config.file=" + cfg},
               log);
  INFO("store log: " << log);
  REQUIRE(WaitReady(port, 15000));
  PushAndQuery(port);
  auto p = PoliciesByThreadName(proc.pid());
  CHECK(p["http-io"] == std::set<int>{SCHED_RR});
  CHECK(p["http-ingest"] == std::set<int>{SCHED_RR});
  CHECK(p["wal-writer"] == std::set<int>{SCHED_RR});
  CHECK(p["http-worker"] == std::set<int>{SCHED_OTHER});
  CHECK(ReadFile(log).find("realtime refused") == std::string::npos);
  proc.Kill(SIGTERM);
  CHECK(proc.WaitFor(30000) == 0);
}
