// Collector tail benchmark: pre-writes docker json-file logs (bench/workload.h's seeded mixed logs),
// then tails them with the Shipper (docker decoding, batching, protobuf+snappy, HTTP) into a null
// receiver in another process. Prints lines/s and MB/s per CPU-second and peak RSS. With
// `--pipeline <promtail.yaml> --compare N` it alternates N runs without and with the pipeline and
// prints what the pipeline adds to the per-line cost.
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include "bench/bench_util.h"
#include "bench/workload.h"
#include "collector/pipeline/stages/custom_metrics.h"
#include "collector/scrape_hooks.h"
#include "collector/shipper.h"

using namespace skald;

namespace {
struct Args {
  size_t mb = 200;
  int files = 20;
  uint64_t seed = 42;
  std::string dir = "/tmp/skald-bench-collector";
  std::string pipeline;  // a promtail config: its first scrape config's relabel + pipeline stages
  int compare = 0;       // > 0: alternate this many runs without and with `pipeline`, print the ratio
};

void AppendJsonEscaped(std::string* out, std::string_view s) {
  static const char* hex = "0123456789abcdef";
  for (unsigned char c : s) {
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\t': *out += "\\t"; break;
      case '\r': *out += "\\r"; break;
      default:
        if (c < 0x20) { *out += "\\u00"; out->push_back(hex[c >> 4]); out->push_back(hex[c & 15]); }
        else out->push_back(static_cast<char>(c));
    }
  }
}

std::string Rfc3339Nano(int64_t ns) {
  time_t sec = ns / 1000000000;
  struct tm tm;
  gmtime_r(&sec, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(ns % 1000000000));
  return buf;
}

// Writes ~args.mb MB of json-file lines over args.files files; returns the line count.
uint64_t Generate(const Args& a) {
  std::filesystem::remove_all(a.dir);
  bench::Workload w(a.seed, a.files * 5);
  std::vector<std::ofstream> files;
  for (int i = 0; i < a.files; ++i) {
    std::string d = a.dir + "/c" + std::to_string(i);
    std::filesystem::create_directories(d);
    files.emplace_back(d + "/c" + std::to_string(i) + "-json.log", std::ios::binary);
  }
  std::map<std::string, int> file_of;
  uint64_t lines = 0, bytes = 0;
  std::string buf;
  while (bytes < a.mb * 1000000) {
    for (const LogStream& s : w.NextBatch(1 << 20)) {
      auto [it, _] = file_of.emplace(s.labels.ToString(), static_cast<int>(file_of.size()) % a.files);
      buf.clear();
      for (const LogEntry& e : s.entries) {
        buf += "{\"log\":\"";
        AppendJsonEscaped(&buf, e.line);
        buf += (lines % 7 == 3) ? "\\n\",\"stream\":\"stderr\",\"time\":\"" : "\\n\",\"stream\":\"stdout\",\"time\":\"";
        buf += Rfc3339Nano(e.ts_ns);
        buf += "\"}\n";
        ++lines;
      }
      files[it->second] << buf;
      bytes += buf.size();
    }
  }
  std::ofstream(a.dir + "/LINES") << lines << " " << bytes << " " << a.mb << " " << a.files << " " << a.seed;
  return lines;
}

// A null push receiver in a child process (so its CPU is not ours); returns its pid and port.
std::pair<pid_t, int> StartNullReceiver() {
  int fds[2];
  if (::pipe(fds) != 0) std::exit(1);
  pid_t pid = ::fork();
  if (pid == 0) {
    httplib::Server srv;
    srv.Post("/loki/api/v1/push", [](const httplib::Request&, httplib::Response& res) { res.status = 204; });
    int port = srv.bind_to_any_port("127.0.0.1");
    if (::write(fds[1], &port, sizeof port) != sizeof port) ::_exit(1);
    srv.listen_after_bind();
    ::_exit(0);
  }
  int port = 0;
  if (::read(fds[0], &port, sizeof port) != sizeof port) std::exit(1);
  return {pid, port};
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--mb") a.mb = std::strtoull(argv[i + 1], nullptr, 10);
    else if (k == "--files") a.files = std::atoi(argv[i + 1]);
    else if (k == "--seed") a.seed = std::strtoull(argv[i + 1], nullptr, 10);
    else if (k == "--dir") a.dir = argv[i + 1];
    else if (k == "--pipeline") a.pipeline = argv[i + 1];
    else if (k == "--compare") a.compare = std::atoi(argv[i + 1]);
  }
  uint64_t lines = 0, bytes = 0;
  size_t mb = 0; int files = 0; uint64_t seed = 0;
  std::ifstream meta(a.dir + "/LINES");
  if (!(meta >> lines >> bytes >> mb >> files >> seed) || mb != a.mb || files != a.files || seed != a.seed) {
    pid_t g = ::fork();  // generate in a child so its memory does not count as ours
    if (g == 0) { Generate(a); ::_exit(0); }
    ::waitpid(g, nullptr, 0);
    std::ifstream m2(a.dir + "/LINES");
    m2 >> lines >> bytes;
  }
  auto [rx_pid, rx_port] = StartNullReceiver();
  const auto port = rx_port;  // clang 14 cannot capture a structured binding in a lambda
  struct Run { double wall = 0, cpu = 0; };
  // One pass over every file from offset 0 with a fresh Shipper (and metrics registry).
  auto run_once = [&](const std::string& pipeline) -> Run {
    const std::string positions = a.dir + "/positions.yaml";
    std::filesystem::remove(positions);
    CollectorConfig cfg;
    cfg.positions.filename = positions;
    ClientConfig c;
    c.url = "http://127.0.0.1:" + std::to_string(port) + "/loki/api/v1/push";
    cfg.clients.push_back(c);
    ScrapeConfig sc;
    sc.job_name = "bench";
    sc.static_configs.push_back({{"localhost"}, {{"job", "bench"}, {"__path__", a.dir + "/*/*-json.log"}}});
    sc.pipeline_stages = YAML::Load("[{docker: {}}]");
    HooksFactory hooks;
    if (!pipeline.empty()) {  // e.g. the seed's: docker_sd-like meta labels, its relabel and stages
      YAML::Node seed = YAML::LoadFile(pipeline)["scrape_configs"][0];
      sc.relabel_configs = seed["relabel_configs"];
      for (const auto& st : seed["pipeline_stages"]) sc.pipeline_stages.push_back(st);
      sc.static_configs[0].labels.insert(sc.static_configs[0].labels.end(), {
          {"__meta_docker_container_name", "/shop-api-1"}, {"__meta_docker_container_id", std::string(64, 'f')},
          {"__meta_docker_container_image", "shop/api:1.4"},
          {"__meta_docker_container_label_com_docker_compose_service", "api"},
          {"__meta_docker_container_label_com_docker_compose_project", "shop"}});
      hooks = [pipeline](const ScrapeConfig& s) { return MakeScrapeHooks(s, pipeline, {}); };
    }
    cfg.scrape_configs.push_back(sc);
    metrics::Registry registry;
    ShipperOptions opts;
    opts.registry = &registry;
    const double cpu0 = bench::CpuSeconds();
    const auto t0 = std::chrono::steady_clock::now();
    Shipper shipper(cfg, hooks, opts);
    if (Status st = shipper.Start(); !st.ok()) { std::fprintf(stderr, "start: %s\n", st.message().c_str()); std::exit(1); }
    uint64_t last_sent = 0;
    auto last_change = std::chrono::steady_clock::now();
    while (shipper.client(0).metrics().sent_entries() < lines) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      const uint64_t sent = shipper.client(0).metrics().sent_entries();
      if (sent != last_sent) {
        last_sent = sent;
        last_change = std::chrono::steady_clock::now();
      } else if (std::chrono::steady_clock::now() - last_change > std::chrono::seconds(15)) {
        std::fprintf(stderr, "no progress for 15 s at %llu of %llu lines (did the pipeline drop some?)\n",
                     static_cast<unsigned long long>(sent), static_cast<unsigned long long>(lines));
        break;  // figures stay per line read, i.e. per input line
      }
      if (std::getenv("BENCH_TRACE"))
        std::fprintf(stderr, "%.2fs %llu sent\n", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                     static_cast<unsigned long long>(shipper.client(0).metrics().sent_entries()));
    }
    Run r{std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), bench::CpuSeconds() - cpu0};
    if (std::getenv("BENCH_METRICS")) std::fputs(registry.Expose().c_str(), stdout);
    shipper.Stop();
    return r;
  };
  std::printf("collector_tail_bench: %llu lines, %.1f MB json-file in %d files (seed %llu)\n",
              static_cast<unsigned long long>(lines), bytes / 1e6, a.files, static_cast<unsigned long long>(a.seed));
  auto report = [&](const char* what, const Run& r) {
    std::printf("%s\n  wall %.2fs  cpu %.2fs  (%.0f ns per line)\n", what, r.wall, r.cpu, r.cpu * 1e9 / lines);
    std::printf("  per CPU-second: %.0f lines/s  %.1f MB/s\n", lines / r.cpu, bytes / 1e6 / r.cpu);
    std::printf("  wall clock:     %.0f lines/s  %.1f MB/s\n", lines / r.wall, bytes / 1e6 / r.wall);
  };
  if (a.compare > 0 && !a.pipeline.empty()) {
    // Alternating runs without and with the pipeline; the cheapest of each (the machine is noisy).
    // Also the median of the pairs' ratios: on a noisy machine the two views bracket the figure.
    Run base{1e9, 1e9}, piped{1e9, 1e9};
    std::vector<double> ratios;
    std::string runs;
    for (int i = 0; i < a.compare; ++i) {
      Run b = run_once(""), p = run_once(a.pipeline);
      if (b.cpu < base.cpu) base = b;
      if (p.cpu < piped.cpu) piped = p;
      ratios.push_back(p.cpu / b.cpu);
      runs += " " + std::to_string(static_cast<int>(b.cpu * 1e9 / lines)) + "/" +
              std::to_string(static_cast<int>(p.cpu * 1e9 / lines));
    }
    std::sort(ratios.begin(), ratios.end());
    const double median = ratios.size() % 2 ? ratios[ratios.size() / 2]
                                            : (ratios[ratios.size() / 2 - 1] + ratios[ratios.size() / 2]) / 2;
    report("docker json-file only (best of runs):", base);
    report(("with " + a.pipeline + " (best of runs):").c_str(), piped);
    std::printf("  runs (ns per line, without/with):%s\n", runs.c_str());
    std::printf("  the pipeline adds %.0f%% to the per-line CPU cost (best vs best; median of the %d pairs: %.0f%%)\n",
                (piped.cpu / base.cpu - 1) * 100, a.compare, (median - 1) * 100);
  } else {
    report(a.pipeline.empty() ? "docker json-file only:" : ("with " + a.pipeline + ":").c_str(), run_once(a.pipeline));
  }
  ::kill(rx_pid, SIGKILL);
  ::waitpid(rx_pid, nullptr, 0);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  std::printf("  peak RSS: %.1f MB\n", ru.ru_maxrss / 1024.0);
  return 0;
}
