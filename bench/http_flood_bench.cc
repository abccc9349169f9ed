// HTTP front-end benchmark under connection floods: starts the real skald-store binary and, from one
// client thread, measures GET /ready, a small push and a small query_range (p50/p99/max) while quiet,
// under a flood of idle keep-alive and slow clients (bench/flood_load.h), quiet again, and while a
// heavy 30-day metric query runs; prints ratios, connection errors, and the store's RSS and fds.
// Flags: --heavy-lines N, --idle N, --slow N, --n samples, --flood-min-s S, --query-priority idle|low|normal,
// --ingest-priority latency|realtime, --client-priority normal|realtime.
#include <sched.h>
#include <signal.h>
#include <snappy.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include "bench/bench_util.h"
#include "bench/flood_load.h"
#include "bench/workload.h"
#include "push.pb.h"

extern char** environ;

using namespace skald;
using namespace std::chrono_literals;
using skald::bench::Arg;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::string bin, dir;
  int port = 0, n = 200, idle = 10000, slow = 1000, trickle_ms = 1000, req_timeout_ms = 5000;
  double phase_s = 90, ramp_s = 60, flood_min_s = 40;
  int64_t heavy_lines = 1000000;
  std::string query_priority;   // querier.query_cpu_priority: idle, low or normal
  std::string ingest_priority;  // server.ingest_cpu_priority: latency or realtime
  std::string client_priority;  // realtime: the measuring thread runs SCHED_RR, as if on its own CPU
  int streams = 200, days = 30;
};

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double Secs(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// ---- the store process ----

long StatusField(pid_t pid, const char* key) {  // a number from /proc/<pid>/status (kB for Vm*)
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind(key, 0) == 0) return std::atol(line.c_str() + std::strlen(key));
  return 0;
}

long FdCount(pid_t pid) {
  std::error_code ec;
  long n = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
    ++n;
  return n;
}

int FreePort() {  // a loopback port that was free a moment ago
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(a);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  close(fd);
  return port;
}

pid_t SpawnStore(const Options& o) {
  const std::string cfg = o.dir + "/store.yaml", log = o.dir + "/store.log";
  std::ofstream(cfg) << "auth_enabled: false\nserver:\n  http_listen_address: 127.0.0.1\n  http_listen_port: "
                     << o.port << "\n  log_level: warn\n  ingest_cpu_priority: " << o.ingest_priority
                     << "\ncommon:\n  path_prefix: " << o.dir << "/data\n"
                     << "limits_config:\n  ingestion_rate_mb: 100000\n  ingestion_burst_size_mb: 100000\n"
                     << "  per_stream_rate_limit: 10GB\n  per_stream_rate_limit_burst: 10GB\n"
                     << "  reject_old_samples: false\n  max_query_series: 100000\n"
                     << "querier:\n  query_cpu_priority: " << o.query_priority << "\n";
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  std::string flag = "-config.file=" + cfg;
  char* argv[] = {const_cast<char*>(o.bin.c_str()), const_cast<char*>(flag.c_str()), nullptr};
  pid_t pid = -1;
  if (posix_spawn(&pid, o.bin.c_str(), &fa, nullptr, argv, environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

bool WaitReady(int port, double seconds) {
  const auto deadline = Clock::now() + std::chrono::duration<double>(seconds);
  while (Clock::now() < deadline) {
    httplib::Client c("127.0.0.1", port);
    c.set_connection_timeout(1, 0);
    c.set_read_timeout(1, 0);
    auto r = c.Get("/ready");
    if (r && r->status == 200) return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

int StopStore(pid_t pid) {  // SIGTERM, at most 30 s to exit, then SIGKILL
  kill(pid, SIGTERM);
  int status = 0;
  for (int i = 0; i < 300; ++i, std::this_thread::sleep_for(100ms))
    if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return -9;
}

// ---- latency figures ----

struct Series {
  std::vector<double> ms;
  int errors = 0;
  double At(double q) {
    if (ms.empty()) return 0;
    std::sort(ms.begin(), ms.end());
    return ms[std::min(ms.size() - 1, static_cast<size_t>(q * static_cast<double>(ms.size())))];
  }
};

// Cumulative bucket counts (le -> count) of the store's WAL fsync histogram, read from /metrics:
// the difference over a phase tells a slow fsync from slow hand-offs around it.
using Buckets = std::map<double, double>;

Buckets ScrapeFsyncBuckets(int port) {
  Buckets b;
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(5, 0);
  auto r = c.Get("/metrics");
  if (!r || r->status != 200) return b;
  const std::string key = "skald_wal_fsync_duration_seconds_bucket{le=\"";
  for (size_t p = r->body.find(key); p != std::string::npos; p = r->body.find(key, p + 1)) {
    const size_t v = p + key.size(), q = r->body.find('"', v), e = r->body.find('\n', v);
    if (q == std::string::npos || e == std::string::npos) break;
    const std::string le = r->body.substr(v, q - v);
    b[le == "+Inf" ? 1e300 : std::atof(le.c_str())] = std::atof(r->body.c_str() + r->body.find(' ', q) + 1);
  }
  return b;
}

struct Phase {
  std::string name;
  Series ready, push, query;
  long rss_kb = 0, hwm_kb = 0, fds = 0, threads = 0;
  double seconds = 0;
  Buckets fsync_start, fsync_end;
  // The fsyncs of the phase and the bucket bound (ms) holding quantile q of them.
  double FsyncCount() const { return fsync_end.empty() ? 0 : fsync_end.rbegin()->second - Start(1e300); }
  double Start(double le) const {
    auto it = fsync_start.find(le);
    return it == fsync_start.end() ? 0 : it->second;
  }
  double FsyncAtMs(double q) const {   // -1: past the last finite bound (+Inf)
    const double n = FsyncCount();
    for (const auto& [le, c] : fsync_end)
      if (n > 0 && c - Start(le) >= q * n) return le >= 1e300 ? -1 : le * 1e3;
    return 0;
  }
};

// One request on a fresh connection (as a probe or Grafana makes it); a failure or non-`want`
// status is an error whose latency still counts.
void Timed(Series* s, int want, int timeout_ms, int port, const std::function<httplib::Result(httplib::Client&)>& f) {
  httplib::Client c("127.0.0.1", port);
  const time_t sec = timeout_ms / 1000;
  const long usec = (timeout_ms % 1000) * 1000L;
  c.set_connection_timeout(sec, usec);
  c.set_read_timeout(sec, usec);
  c.set_write_timeout(sec, usec);
  const auto t0 = Clock::now();
  auto r = f(c);
  s->ms.push_back(Secs(Clock::now() - t0) * 1e3);
  if (!r || r->status != want) s->errors++;
}

std::string SmallPush() {
  std::string body = R"({"streams":[{"stream":{"job":"flood-bench","probe":"1"},"values":[)";
  const int64_t ts = NowNs();
  for (int i = 0; i < 5; ++i)
    body += (i ? "," : "") + std::string("[\"") + std::to_string(ts + i) + "\",\"probe line " + std::to_string(i) +
            " level=info msg=flood\"]";
  return body + "]}]}";
}

// n rounds of ready + push + query (more until min_s has passed), stopped early when the phase's
// time budget is spent.
void Measure(const Options& o, Phase* p, double min_s = 0) {
  const auto t0 = Clock::now();
  for (int i = 0; (i < o.n || Secs(Clock::now() - t0) < min_s) && Secs(Clock::now() - t0) < o.phase_s; ++i) {
    if (i >= o.n) std::this_thread::sleep_for(100ms);  // extra rounds only keep sampling until min_s
    Timed(&p->ready, 200, o.req_timeout_ms, o.port, [](httplib::Client& c) { return c.Get("/ready"); });
    const std::string body = SmallPush();
    Timed(&p->push, 204, o.req_timeout_ms, o.port,
          [&](httplib::Client& c) { return c.Post("/loki/api/v1/push", body, "application/json"); });
    const int64_t now = NowNs();
    const httplib::Params q{{"query", "{job=\"flood-bench\"}"}, {"limit", "100"},
                            {"start", std::to_string(now - 600'000'000'000LL)}, {"end", std::to_string(now)}};
    Timed(&p->query, 200, o.req_timeout_ms, o.port,
          [&](httplib::Client& c) { return c.Get("/loki/api/v1/query_range", q, httplib::Headers{}); });
  }
  p->seconds = Secs(Clock::now() - t0);
}

// at_start: the phase's first sample (the fsync histogram's baseline), else its last.
void Sample(pid_t pid, Phase* p, int port, bool at_start) {
  (at_start ? p->fsync_start : p->fsync_end) = ScrapeFsyncBuckets(port);
  p->rss_kb = std::max(p->rss_kb, StatusField(pid, "VmRSS:"));
  p->hwm_kb = StatusField(pid, "VmHWM:");
  p->fds = std::max(p->fds, FdCount(pid));
  p->threads = std::max(p->threads, StatusField(pid, "Threads:"));
}

// ---- pre-fill and the heavy query ----

// `lines` workload lines over `streams` streams, stamped evenly over the `days` before an hour ago,
// pushed as protobuf+snappy 1 MiB batches. Returns the [start, end] ns span.
std::pair<int64_t, int64_t> Prefill(const Options& o) {
  const int64_t end = NowNs() - 3600'000'000'000LL, span = int64_t{o.days} * 86400'000'000'000LL;
  const int64_t start = end - span, step = std::max<int64_t>(1, span / std::max<int64_t>(1, o.heavy_lines));
  bench::Workload wl(42, o.streams);
  httplib::Client c("127.0.0.1", o.port);
  c.set_read_timeout(120, 0);
  int64_t k = 0;
  int failures = 0;
  while (k < o.heavy_lines) {
    logproto::PushRequest req;
    for (const LogStream& s : wl.NextBatch(1 << 20)) {
      auto* sa = req.add_streams();
      sa->set_labels(s.labels.ToString());
      for (const LogEntry& e : s.entries) {
        const int64_t ts = start + step * k++;
        auto* ea = sa->add_entries();
        ea->mutable_timestamp()->set_seconds(ts / 1000000000);
        ea->mutable_timestamp()->set_nanos(static_cast<int32_t>(ts % 1000000000));
        ea->set_line(e.line);
      }
    }
    std::string raw = req.SerializeAsString(), body;
    snappy::Compress(raw.data(), raw.size(), &body);
    auto r = c.Post("/loki/api/v1/push", body, "application/x-protobuf");
    if (!r || r->status != 204) ++failures;
  }
  std::printf("prefill: %lld lines, %d streams, %d days, %d failed pushes\n", static_cast<long long>(k), o.streams,
              o.days, failures);
  return {start, end};
}

// Runs the heavy query back to back on its own thread until stopped.
struct HeavyLoop {
  std::atomic<bool> stop{false};
  std::atomic<int> done{0}, failed{0};
  std::atomic<int64_t> total_ms{0};
  std::atomic<long> last_bytes{0}, last_series{0};  // the last answer's size: proof it did the work
  std::thread thread;
  void Start(int port, std::pair<int64_t, int64_t> span) {
    thread = std::thread([this, port, span] {
      httplib::Client c("127.0.0.1", port);
      c.set_read_timeout(300, 0);
      const httplib::Params q{{"query", "sum by (app) (count_over_time({job=~\".+\"}[1h]))"},
                              {"start", std::to_string(span.first)}, {"end", std::to_string(span.second)},
                              {"step", "3600"}};
      while (!stop) {
        const auto t0 = Clock::now();
        auto r = c.Get("/loki/api/v1/query_range", q, httplib::Headers{});
        (r && r->status == 200 ? done : failed)++;
        if (r && r->status == 200) {
          last_bytes = static_cast<long>(r->body.size());
          long series = 0;
          for (size_t p = r->body.find("\"metric\""); p != std::string::npos; p = r->body.find("\"metric\"", p + 1))
            ++series;
          last_series = series;
        }
        total_ms += static_cast<int64_t>(Secs(Clock::now() - t0) * 1e3);
      }
    });
  }
  void Stop() {
    stop = true;
    if (thread.joinable()) thread.join();
  }
};

// ---- report ----

void PrintFigure(const char* name, std::vector<Phase>& ph, Series Phase::*f) {
  std::printf("| %-5s |", name);
  for (Phase& p : ph) {
    Series& s = p.*f;
    std::printf(" %zu/%d | %.1f / %.1f / %.1f |", s.ms.size(), s.errors, s.At(0.5), s.At(0.99),
                s.ms.empty() ? 0.0 : *std::max_element(s.ms.begin(), s.ms.end()));
  }
  Series& q = ph[0].*f;
  for (size_t i = 1; i < ph.size(); ++i) {
    Series& s = ph[i].*f;
    std::printf(" %.1fx / %.1fx |", s.At(0.5) / std::max(q.At(0.5), 1e-3), s.At(0.99) / std::max(q.At(0.99), 1e-3));
  }
  std::printf("\n");
}

void PrintReport(std::vector<Phase>& ph, const bench::FloodStats& fs, const Options& o) {
  std::printf("\nlatency per figure: n/errors | p50 / p99 / max ms, then p50 / p99 ratio to quiet\n| figure |");
  for (Phase& p : ph) std::printf(" %s n/err | %s ms |", p.name.c_str(), p.name.c_str());
  for (size_t i = 1; i < ph.size(); ++i) std::printf(" %s/quiet |", ph[i].name.c_str());
  std::printf("\n");
  PrintFigure("ready", ph, &Phase::ready);
  PrintFigure("push", ph, &Phase::push);
  PrintFigure("query", ph, &Phase::query);
  std::printf("\nflood: idle=%d slow=%d connects=%ld peak_open=%ld idle_answered=%ld | errors: emfile=%ld "
              "refused=%ld connect_timeout=%ld other=%ld resets=%ld | server_closed=%ld trickled_bytes=%ld\n",
              o.idle, o.slow, fs.connected.load(), fs.peak_open.load(), fs.answered.load(), fs.emfile.load(),
              fs.refused.load(), fs.timed_out.load(), fs.other_connect.load(), fs.reset.load(),
              fs.server_closed.load(), fs.trickled.load());
  std::printf("\n| phase | seconds | store RSS MB | store peak RSS (VmHWM) MB | store fds | store threads | WAL fsyncs "
              "| fsync p50 / p99 ms (bucket bound) |\n");
  for (Phase& p : ph)
    std::printf("| %s | %.1f | %.1f | %.1f | %ld | %ld | %.0f | %.1f / %.1f |\n", p.name.c_str(), p.seconds,
                p.rss_kb / 1024.0, p.hwm_kb / 1024.0, p.fds, p.threads, p.FsyncCount(), p.FsyncAtMs(0.5),
                p.FsyncAtMs(0.99));
  std::printf("(fsync -1.0: past the histogram's last bound; 0 fsyncs: /metrics unreadable at a phase's edge)\n");
}

Options ParseOptions(int argc, char** argv) {
  Options o;
  o.dir = Arg(argc, argv, "--dir", "/tmp/skald-flood-bench");
  o.bin = Arg(argc, argv, "--store", "");
  if (o.bin.empty()) {
    const char* d = std::getenv("SKALD_BIN_DIR");
    std::error_code ec;
    o.bin = d ? std::string(d) + "/skald-store"
              : (std::filesystem::read_symlink("/proc/self/exe", ec).parent_path() / "skald-store").string();
  }
  o.port = std::atoi(Arg(argc, argv, "--port", "0"));
  o.n = std::atoi(Arg(argc, argv, "--n", "200"));
  o.idle = std::atoi(Arg(argc, argv, "--idle", "10000"));
  o.slow = std::atoi(Arg(argc, argv, "--slow", "1000"));
  o.trickle_ms = std::atoi(Arg(argc, argv, "--trickle-ms", "1000"));
  o.req_timeout_ms = std::atoi(Arg(argc, argv, "--req-timeout-ms", "5000"));
  o.phase_s = std::atof(Arg(argc, argv, "--phase-s", "90"));
  o.ramp_s = std::atof(Arg(argc, argv, "--ramp-s", "60"));
  o.flood_min_s = std::atof(Arg(argc, argv, "--flood-min-s", "40"));  // past the 30 s default read timeout
  o.heavy_lines = std::atoll(Arg(argc, argv, "--heavy-lines", "1000000"));
  o.streams = std::atoi(Arg(argc, argv, "--streams", "200"));
  o.days = std::atoi(Arg(argc, argv, "--days", "30"));
  o.query_priority = Arg(argc, argv, "--query-priority", "idle");
  o.ingest_priority = Arg(argc, argv, "--ingest-priority", "latency");
  o.client_priority = Arg(argc, argv, "--client-priority", "normal");
  return o;
}

long RaiseFdLimit() {  // the store inherits it through posix_spawn
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);
  getrlimit(RLIMIT_NOFILE, &rl);
  return static_cast<long>(rl.rlim_cur);
}

// Phase 2: the flood ramps up (bounded by --ramp-s), then the figures are measured under it.
void FloodPhase(const Options& o, pid_t pid, bench::FloodLoad* flood, Phase* p) {
  flood->Start();
  const auto t0 = Clock::now();
  while (!flood->ramped() && Secs(Clock::now() - t0) < o.ramp_s) std::this_thread::sleep_for(100ms);
  std::printf("flood: %s after %.1f s, %ld open\n", flood->ramped() ? "ramped" : "ramp cut off", Secs(Clock::now() - t0),
              flood->stats().open.load());
  std::this_thread::sleep_for(1s);
  Sample(pid, p, o.port, true);
  Measure(o, p, o.flood_min_s);
  Sample(pid, p, o.port, false);
  flood->Stop();
}

}  // namespace

int main(int argc, char** argv) {
  Options o = ParseOptions(argc, argv);
  std::printf("RLIMIT_NOFILE=%ld store=%s\n", RaiseFdLimit(), o.bin.c_str());
  if (o.client_priority == "realtime") {
    // A collector pushes from another host: its own wake-ups do not queue behind the store's query.
    // On one machine SCHED_RR for the measuring thread stands in for that CPU of its own.
    sched_param sp{};
    sp.sched_priority = 1;
    // RESET_ON_FORK: the store, the heavy query's and the flood's threads keep the normal policy.
    std::printf("client priority: %s\n",
                sched_setscheduler(0, SCHED_RR | SCHED_RESET_ON_FORK, &sp) == 0 ? "SCHED_RR 1" : "normal (refused)");
  }
  if (o.port == 0) o.port = FreePort();
  std::filesystem::remove_all(o.dir);
  std::filesystem::create_directories(o.dir);
  const pid_t pid = SpawnStore(o);
  if (pid <= 0 || !WaitReady(o.port, 30)) {
    std::fprintf(stderr, "store not ready; see %s/store.log\n", o.dir.c_str());
    if (pid > 0) kill(pid, SIGKILL), waitpid(pid, nullptr, 0);
    return 1;
  }
  std::pair<int64_t, int64_t> span{0, 0};
  if (o.heavy_lines > 0) span = Prefill(o);
  std::vector<Phase> ph{{"quiet"}, {"flood"}, {"after"}};
  Sample(pid, &ph[0], o.port, true), Measure(o, &ph[0]), Sample(pid, &ph[0], o.port, false);
  bench::FloodLoad flood({o.port, o.idle, o.slow, std::chrono::milliseconds(o.trickle_ms), 3000ms, 256});
  FloodPhase(o, pid, &flood, &ph[1]);
  std::this_thread::sleep_for(2s);
  Sample(pid, &ph[2], o.port, true), Measure(o, &ph[2]), Sample(pid, &ph[2], o.port, false);
  if (o.heavy_lines > 0) {
    HeavyLoop heavy;
    heavy.Start(o.port, span);
    std::this_thread::sleep_for(500ms);
    Phase& h = ph.emplace_back(Phase{"heavy"});
    Sample(pid, &h, o.port, true), Measure(o, &h), Sample(pid, &h, o.port, false);
    heavy.Stop();
    std::printf("heavy query: %d done, %d failed, mean %.0f ms, last answer %ld series in %ld bytes\n",
                heavy.done.load(), heavy.failed.load(),
                heavy.done + heavy.failed ? static_cast<double>(heavy.total_ms) / (heavy.done + heavy.failed) : 0.0,
                heavy.last_series.load(), heavy.last_bytes.load());
  }
  PrintReport(ph, flood.stats(), o);
  std::printf("store exit=%d\n", StopStore(pid));
  if (!std::getenv("BENCH_KEEP")) std::filesystem::remove_all(o.dir);
  return 0;
}
