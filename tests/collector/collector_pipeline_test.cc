// The collector app end to end in-process (real files, a real HTTP push receiver, real /metrics):
// multiline max_wait_time after silence, one pipeline per target, tenant routing, drop counters.
#include <catch.hpp>

#include <httplib.h>
#include <snappy.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <mutex>
#include <thread>

#include "collector/collector_app.h"
#include "collector/collector_config_loader.h"
#include "push.pb.h"
#include "tests/common/edits_hash_twins.h"
#include "tests/test_support.h"

using namespace skald;
using namespace std::chrono_literals;

namespace {

struct Pushed {
  std::string tenant, labels, line;
  std::chrono::steady_clock::time_point at;
  std::string metadata;   // `name=value,...` of the entry's structured metadata
};

// Records every pushed entry with its X-Scope-OrgID header and decoded stream labels.
class Receiver {
 public:
  Receiver() {
    srv_.Post("/loki/api/v1/push", [this](const httplib::Request& r, httplib::Response& res) {
      std::string raw;
      logproto::PushRequest req;
      if (!snappy::Uncompress(r.body.data(), r.body.size(), &raw) || !req.ParseFromString(raw)) {
        res.status = 400;
        return;
      }
      std::lock_guard<std::mutex> l(mu_);
      for (const auto& s : req.streams())
        for (const auto& e : s.entries()) {
          std::string md;
          for (const auto& m : e.structuredmetadata()) md += (md.empty() ? "" : ",") + m.name() + "=" + m.value();
          got_.push_back({r.get_header_value("X-Scope-OrgID"), s.labels(), e.line(), std::chrono::steady_clock::now(), md});
        }
      res.status = 204;
    });
    port_ = srv_.bind_to_any_port("127.0.0.1");
    th_ = std::thread([this] { srv_.listen_after_bind(); });
  }
  ~Receiver() { srv_.stop(); th_.join(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/loki/api/v1/push"; }
  std::vector<Pushed> got() { std::lock_guard<std::mutex> l(mu_); return got_; }

 private:
  httplib::Server srv_;
  int port_ = 0;
  std::thread th_;
  std::mutex mu_;
  std::vector<Pushed> got_;
};

struct Dir : test_support::ScratchDir {
  Dir() : ScratchDir("skald-collector-pl") {}
};

using test_support::WaitFor;
constexpr auto Append = test_support::AppendText;


// A collector config tailing <dir>/*.log with `stages` (a YAML list, indented 4 spaces).
CollectorConfig Config(const Dir& d, const std::string& url, const std::string& stages,
                       const std::string& client_extra = "") {
  std::string y = "server: {http_listen_port: 0}\npositions: {filename: " + d.path + "/pos.yaml}\n"
                  "clients:\n  - url: " + url + "\n    batchwait: 50ms\n" + client_extra +
                  "target_config: {sync_period: 200ms}\n"
                  "scrape_configs:\n  - job_name: files\n    static_configs:\n"
                  "      - targets: [localhost]\n        labels: {job: varlogs, __path__: " + d.path + "/*.log}\n"
                  "    pipeline_stages:\n" + stages;
  std::vector<std::string> warnings;
  auto cfg = ParseCollectorConfig("test.yaml", y, false, &warnings);
  INFO(y);
  INFO((cfg.ok() ? "" : cfg.status().message()));
  REQUIRE(cfg.ok());
  return *cfg;
}

std::vector<std::string> Lines(const std::vector<Pushed>& got) {
  std::vector<std::string> out;
  for (const auto& p : got) out.push_back(p.line);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("collector: a multiline block followed by silence is shipped after max_wait_time") {
  Receiver rx;
  Dir d;
  metrics::Registry reg;
  CollectorApp app(Config(d, rx.url(), "    - multiline: {firstline: '^\\d{4}', max_wait_time: 400ms}\n"), {}, &reg);
  REQUIRE(app.Start().ok());
  const auto written = std::chrono::steady_clock::now();
  Append(d.path + "/a.log", "2026 boom\n  at one\n  at two\n");
  REQUIRE(WaitFor([&] { return rx.got().size() == 1; }));
  const auto got = rx.got();
  CHECK(got[0].line == "2026 boom\n  at one\n  at two");
  CHECK(got[0].at - written >= 350ms);  // held for max_wait_time, not shipped line by line
  std::this_thread::sleep_for(300ms);
  CHECK(rx.got().size() == 1);
  app.Stop();
}

TEST_CASE("collector: one pipeline per target - interleaved stack traces of two files stay apart") {
  Receiver rx;
  Dir d;
  metrics::Registry reg;
  // Without `filename` both files' entries share one label set: a shared multiline stage mixed them.
  CollectorApp app(Config(d, rx.url(), "    - labeldrop: [filename]\n"
                                       "    - multiline: {firstline: '^\\d{4}', max_wait_time: 2s}\n"), {}, &reg);
  REQUIRE(app.Start().ok());
  Append(d.path + "/a.log", "2026 A failed\n  at A1\n");
  Append(d.path + "/b.log", "2026 B failed\n  at B1\n");
  std::this_thread::sleep_for(300ms);  // both first halves read before the second halves arrive
  Append(d.path + "/a.log", "  at A2\n");
  Append(d.path + "/b.log", "  at B2\n");
  REQUIRE(WaitFor([&] { return rx.got().size() >= 2; }));
  std::this_thread::sleep_for(200ms);
  const auto got = rx.got();
  REQUIRE(got.size() == 2);
  CHECK(Lines(got) == std::vector<std::string>{"2026 A failed\n  at A1\n  at A2", "2026 B failed\n  at B1\n  at B2"});
  for (const auto& p : got) CHECK(p.labels == R"({job="varlogs"})");
  app.Stop();
}

TEST_CASE("collector: the tenant stage routes entries with X-Scope-OrgID and strips __tenant_id__") {
  Receiver rx;
  Dir d;
  metrics::Registry reg;
  CollectorApp app(Config(d, rx.url(),
                          "    - regex: {expression: 'tenant=(?P<t>\\w+)'}\n"
                          "    - tenant: {source: t}\n",
                          "    tenant_id: base\n"),
                   {}, &reg);
  REQUIRE(app.Start().ok());
  Append(d.path + "/t.log", "tenant=alpha one\ntenant=beta two\nno tenant here\ntenant=alpha three\n");
  REQUIRE(WaitFor([&] { return rx.got().size() == 4; }));
  struct Want { std::string line, tenant; };
  std::vector<Want> want = {{"tenant=alpha one", "alpha"}, {"tenant=beta two", "beta"},
                            {"no tenant here", "base"}, {"tenant=alpha three", "alpha"}};
  const auto got = rx.got();
  for (const auto& w : want) {
    INFO(w.line);
    auto it = std::find_if(got.begin(), got.end(), [&](const Pushed& p) { return p.line == w.line; });
    REQUIRE(it != got.end());
    CHECK(it->tenant == w.tenant);
    CHECK(it->labels.find("__tenant_id__") == std::string::npos);
    CHECK(it->labels.find("job=\"varlogs\"") != std::string::npos);
  }
  app.Stop();
}

TEST_CASE("collector: labels set per line reach their own streams - reserved labels from stages are not sent") {
  Receiver rx;
  Dir d;
  metrics::Registry reg;
  // 600 lines over 550 distinct label sets: more than the per-target key cache holds (512).
  CollectorApp app(Config(d, rx.url(),
                          "    - regex: {expression: 'id=(?P<id>\\d+) lvl=(?P<lvl>\\w+)'}\n"
                          "    - labels: {id: , lvl: }\n"
                          "    - static_labels: {__hidden: x}\n"),
                   {}, &reg);
  REQUIRE(app.Start().ok());
  std::string text;
  for (int i = 0; i < 600; ++i)
    text += "n=" + std::to_string(i) + " id=" + std::to_string(i % 550) + " lvl=" + (i % 3 ? "info" : "warn") + "\n";
  text += "no labels from this one\n";
  Append(d.path + "/l.log", text);
  REQUIRE(WaitFor([&] { return rx.got().size() == 601; }));
  for (const Pushed& p : rx.got()) {
    INFO(p.line << " " << p.labels);
    CHECK(p.labels.find("__hidden") == std::string::npos);
    if (p.line == "no labels from this one") {
      CHECK(p.labels == "{filename=\"" + d.path + "/l.log\", job=\"varlogs\"}");
      continue;
    }
    const int i = std::stoi(p.line.substr(2));
    CHECK(p.labels == "{filename=\"" + d.path + "/l.log\", id=\"" + std::to_string(i % 550) +
                          "\", job=\"varlogs\", lvl=\"" + (i % 3 ? "info" : "warn") + "\"}");
  }
  app.Stop();
}

TEST_CASE("collector: dropped lines are counted in logentry_dropped_lines_total on /metrics") {
  Receiver rx;
  Dir d;
  metrics::Registry reg;
  CollectorApp app(Config(d, rx.url(),
                          "    - drop: {expression: debug}\n"
                          "    - match: {selector: '{job=\"varlogs\"} |= \"noise\"', action: drop, drop_counter_reason: noisy}\n"
                          "    - limit: {rate: 1, burst: 1, drop: true}\n"),
                   {}, &reg);
  REQUIRE(app.Start().ok());
  Append(d.path + "/m.log", "debug x\nnoise y\nkeep 1\ndebug z\nkeep 2\nnoise w\ndebug v\n");
  REQUIRE(WaitFor([&] { return rx.got().size() == 1; }));
  httplib::Client http("127.0.0.1", app.port());
  std::string body;
  REQUIRE(WaitFor([&] {
    auto res = http.Get("/metrics");
    body = res ? res->body : "";
    return body.find("logentry_dropped_lines_total{reason=\"ratelimit_drop_stage\"} 1") != std::string::npos;
  }));
  INFO(body);
  CHECK(body.find("logentry_dropped_lines_total{reason=\"drop_stage\"} 3") != std::string::npos);
  CHECK(body.find("logentry_dropped_lines_total{reason=\"noisy\"} 2") != std::string::npos);
  CHECK(rx.got()[0].line == "keep 1");
  app.Stop();
}

TEST_CASE("collector: metrics stage series leave /metrics after max_idle_duration") {
  Receiver rx;
  Dir d;
  metrics::Registry reg;
  CollectorApp app(Config(d, rx.url(),
                          "    - metrics:\n"
                          "        seen_lines:\n"
                          "          type: Counter\n"
                          "          description: lines seen\n"
                          "          max_idle_duration: 1s\n"
                          "          config: {match_all: true, action: inc}\n"),
                   {}, &reg);
  REQUIRE(app.Start().ok());
  Append(d.path + "/m.log", "one\ntwo\n");
  REQUIRE(WaitFor([&] { return rx.got().size() == 2; }));
  httplib::Client http("127.0.0.1", app.port());
  auto scrape = [&] {
    auto res = http.Get("/metrics");
    return res ? res->body : std::string();
  };
  std::string body = scrape();
  INFO(body);
  CHECK(body.find("promtail_custom_seen_lines{") != std::string::npos);
  std::this_thread::sleep_for(1300ms);
  body = scrape();
  INFO(body);
  CHECK(body.find("promtail_custom_seen_lines{") == std::string::npos);
  app.Stop();
}

TEST_CASE("collector: the structured_metadata stage's values reach the push as structured metadata") {
  Receiver rx;
  Dir d;
  metrics::Registry reg;
  CollectorApp app(Config(d, rx.url(),
                          "    - logfmt: {mapping: {trace_id: trace, level: level}}\n"
                          "    - labels: {level: level}\n"
                          "    - structured_metadata: {trace_id: trace_id}\n"),
                   {}, &reg);
  REQUIRE(app.Start().ok());
  Append(d.path + "/m.log", "level=info trace=t-1 msg=a\nlevel=warn msg=b\n");
  REQUIRE(WaitFor([&] { return rx.got().size() == 2; }));
  auto got = rx.got();
  std::sort(got.begin(), got.end(), [](const Pushed& a, const Pushed& b) { return a.line < b.line; });
  CHECK(got[0].line == "level=info trace=t-1 msg=a");
  CHECK(got[0].metadata == "trace_id=t-1");
  CHECK(got[0].labels.find("level=\"info\"") != std::string::npos);
  CHECK(got[0].labels.find("trace_id") == std::string::npos);
  CHECK(got[1].metadata.empty());
  app.Stop();
}

TEST_CASE("collector: two clients each get every line with the labels its stages set") {
  Receiver rx1, rx2;
  Dir d;
  metrics::Registry reg;
  CollectorApp app(Config(d, rx1.url(),
                          "    - regex: {expression: '(?P<level>(ERROR|INFO))'}\n    - labels: {level: }\n",
                          "  - url: " + rx2.url() + "\n    batchwait: 50ms\n    external_labels: {client: two}\n"),
                   {}, &reg);
  REQUIRE(app.Start().ok());
  std::string text;
  for (int i = 0; i < 60; ++i) {
    text += i % 3 == 0 ? "ERROR " : i % 3 == 1 ? "INFO " : "plain ";
    text += std::to_string(i);
    text += "\n";
  }
  Append(d.path + "/a.log", text);
  REQUIRE(WaitFor([&] { return rx1.got().size() == 60 && rx2.got().size() == 60; }));
  for (Receiver* rx : {&rx1, &rx2}) {
    const bool second = rx == &rx2;
    std::map<std::string, int> by_labels;
    for (const auto& p : rx->got()) {
      std::string want = p.line.starts_with("ERROR") ? "level=\"ERROR\", " : p.line.starts_with("INFO") ? "level=\"INFO\", " : "";
      std::string expect = second ? "{client=\"two\", filename=\"" : "{filename=\"";
      expect += d.path + "/a.log\", job=\"varlogs\"";
      if (!want.empty()) expect += ", " + want.substr(0, want.size() - 2);
      expect += "}";
      CHECK(p.labels == expect);
      ++by_labels[p.labels];
    }
    CHECK(by_labels.size() == 3);
  }
  app.Stop();
}


TEST_CASE("collector: lines in random order over many label sets each reach their own stream") {
  // Per target more label sets than the key cache holds (7 x 87 > 512),
  // in random order with repeats, some with edits whose hashes collide, and small batches: every
  // line must arrive with exactly the labels its own fields give.
  Receiver rx;
  Dir d;
  metrics::Registry reg;
  CollectorApp app(Config(d, rx.url(),
                          "    - regex: {expression: 'lvl=(?P<lvl>\\S+) v=(?P<v>\\S+)'}\n"
                          "    - labels: {lvl: , v: }\n",
                          "    batchsize: 8192\n"),
                   {}, &reg);
  REQUIRE(app.Start().ok());
  const std::string twin_base = "twin-base-AB12cd";
  std::vector<std::string> values = testing::EditsHashTwins(twin_base, 3, 11);
  values.push_back(twin_base);
  for (int k = 0; k < 83; ++k) values.push_back("val" + std::to_string(k));
  const char* levels[] = {"info", "warn", "error", "debug", "trace", "fatal", "x"};
  uint64_t rng = 5;
  auto next = [&rng](uint64_t n) {
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (rng >> 33) % n;
  };
  std::string text[2];
  int lines = 0;
  for (int i = 0; i < 3000; ++i, ++lines) {
    const bool twin = next(4) == 0;  // the colliding values often, next to each other
    const std::string& v = twin ? values[next(4)] : values[next(values.size())];
    text[i % 2] += "n=" + std::to_string(i) + " lvl=" + levels[next(7)] + " v=" + v + "\n";
  }
  Append(d.path + "/a.log", text[0]);
  Append(d.path + "/b.log", text[1]);
  REQUIRE(WaitFor([&] { return rx.got().size() == static_cast<size_t>(lines); }, std::chrono::seconds(20)));
  std::set<std::string> seen;
  for (const Pushed& p : rx.got()) {
    INFO(p.line << " " << p.labels);
    const size_t l = p.line.find(" lvl="), v = p.line.find(" v=");
    REQUIRE((l != std::string::npos && v != std::string::npos));
    const int i = std::stoi(p.line.substr(2));
    const std::string file = d.path + (i % 2 ? "/b.log" : "/a.log");
    CHECK(p.labels == "{filename=\"" + file + "\", job=\"varlogs\", lvl=\"" + p.line.substr(l + 5, v - l - 5) +
                          "\", v=\"" + p.line.substr(v + 3) + "\"}");
    seen.insert(p.labels);
  }
  CHECK(seen.size() > 800);
  app.Stop();
}
