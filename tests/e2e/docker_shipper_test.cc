// Shipper on real files (no Docker needed): static globs with labels and filename, restart resuming
// from positions, the tail->client seam (a process hook dropping and duplicating entries), a leading
// `docker: {}` stage decoded by the built-in json-file reader, rotation under the shipper.
#include <catch.hpp>

#include <httplib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "collector/shipper.h"
#include "collector/tail/positions.h"
#include "tests/e2e/docker_harness.h"
#include "tests/route_server.h"
#include "tests/test_support.h"

using namespace skald;
using namespace std::chrono_literals;

namespace {
struct Dir : test_support::ScratchDir {
  Dir() : ScratchDir("skald-shipper") {}
};

using test_support::WaitFor;
constexpr auto Append = test_support::AppendText;


CollectorConfig FileConfig(const std::string& dir, const std::string& url, const std::string& glob) {
  CollectorConfig cfg;
  cfg.positions.filename = dir + "/positions.yaml";
  cfg.target_sync_period_ns = 200'000'000;
  ClientConfig c;
  c.url = url;
  c.batchwait_ns = 50'000'000;
  cfg.clients.push_back(c);
  ScrapeConfig sc;
  sc.job_name = "files";
  sc.static_configs.push_back({{"localhost"}, {{"job", "varlogs"}, {"__path__", glob}}});
  cfg.scrape_configs.push_back(sc);
  return cfg;
}

ShipperOptions Opts(metrics::Registry* r) {
  ShipperOptions o;
  o.registry = r;
  return o;
}
}  // namespace

TEST_CASE("shipper: static file targets, labels, restart from positions") {
  Dir d;
  e2e::PushReceiver rx;
  std::filesystem::create_directories(d.path + "/logs/sub");
  const std::string a = d.path + "/logs/a.log", b = d.path + "/logs/sub/b.log";
  Append(a, "a-0\na-1\n");
  Append(b, "b-0 bad \xff utf8\n");
  metrics::Registry reg;
  {
    Shipper s(FileConfig(d.path, rx.url(), d.path + "/logs/**/*.log"), {}, Opts(&reg));
    REQUIRE(s.Start().ok());
    REQUIRE(WaitFor([&] { return rx.With("a-").size() == 2 && rx.With("b-").size() == 1; }));
    Append(d.path + "/logs/c.log", "c-0\n");  // appears at the next target sync
    REQUIRE(WaitFor([&] { return rx.With("c-").size() == 1; }));
    REQUIRE(s.active_files() == 3);
    REQUIRE(s.TargetsJson().find("\"path\":\"" + a + "\"") != std::string::npos);
    testing::RouteServer srv;  // the /targets handler the app registers
    RegisterTargetsHandler(srv.router(), s);
    const int port = srv.Start();
    httplib::Client cli("127.0.0.1", port);
    auto res = cli.Get("/targets");
    srv.Stop();
    REQUIRE(res);
    REQUIRE(res->status == 200);
    REQUIRE(res->get_header_value("Content-Type") == "application/json");
    REQUIRE(res->body.find("\"job\":\"varlogs\"") != std::string::npos);
    s.Stop();
  }
  auto ga = rx.With("a-");
  REQUIRE(ga[0].labels == "{filename=\"" + a + "\", job=\"varlogs\"}");
  REQUIRE(rx.With("b-")[0].line == "b-0 bad \xEF\xBF\xBD utf8");
  const std::string text = reg.Expose();
  REQUIRE(text.find("promtail_read_lines_total{path=\"" + a + "\"} 2") != std::string::npos);
  REQUIRE(text.find("promtail_sent_entries_total") != std::string::npos);

  auto pos = tail::Positions::Open({d.path + "/positions.yaml", 1'000'000'000, false});
  REQUIRE(pos.ok());
  REQUIRE((*pos)->Get(a)->offset == 8);

  Append(a, "a-2\n");
  {
    Shipper s(FileConfig(d.path, rx.url(), d.path + "/logs/**/*.log"), {}, Opts(&reg));
    REQUIRE(s.Start().ok());
    REQUIRE(WaitFor([&] { return rx.With("a-").size() == 3; }));
    std::this_thread::sleep_for(300ms);
    s.Stop();
  }
  REQUIRE(rx.With("a-").size() == 3);  // resumed at the stored offset: nothing re-sent
  REQUIRE(rx.With("a-")[2].line == "a-2");
  REQUIRE(rx.With("b-").size() == 1);
}

TEST_CASE("shipper: the process hook seam drops and duplicates - positions still advance") {
  Dir d;
  e2e::PushReceiver rx;
  const std::string f = d.path + "/app.log";
  Append(f, "keep-1\ndrop-1\ntwice-1\ndrop-2\n");
  metrics::Registry reg;
  HooksFactory hooks = [](const ScrapeConfig&) -> Result<ScrapeHooks> {
    ScrapeHooks h;
    h.relabel = [](LabelSet& ls) { ls.Erase("__path__"); ls.Set("relabelled", "yes"); return true; };
    h.process = [](LabelSet& ls, LogEntry& e, const EmitFn& emit) {
      if (e.line.rfind("drop", 0) == 0) return;
      if (e.line.rfind("twice", 0) == 0) {
        LabelSet other = ls;
        other.Set("copy", "2");
        emit(EditedLabels(other), e);
      }
      emit(EditedLabels(ls), e);
    };
    return h;
  };
  Shipper s(FileConfig(d.path, rx.url(), f), hooks, Opts(&reg));
  REQUIRE(s.Start().ok());
  REQUIRE(WaitFor([&] { return rx.With("twice-").size() == 2 && rx.With("keep-").size() == 1; }));
  s.Stop();
  REQUIRE(rx.With("drop-").empty());
  auto tw = rx.With("twice-");
  REQUIRE((tw[0].labels.find("copy=\"2\"") != std::string::npos) != (tw[1].labels.find("copy=\"2\"") != std::string::npos));
  REQUIRE(rx.With("keep-")[0].labels == "{filename=\"" + f + "\", job=\"varlogs\", relabelled=\"yes\"}");
  auto pos = tail::Positions::Open({d.path + "/positions.yaml", 1'000'000'000, false});
  REQUIRE((*pos)->Get(f)->offset == static_cast<int64_t>(std::filesystem::file_size(f)));  // past the dropped tail
}

TEST_CASE("shipper: leading docker stage decodes json-file in static targets - rename rotation") {
  Dir d;
  e2e::PushReceiver rx;
  const std::string f = d.path + "/c1-json.log";
  Append(f, R"({"log":"j-0\n","stream":"stdout","time":"2026-01-01T00:00:00.000000001Z"})" "\n"
            R"({"log":"j-1\n","stream":"stderr","time":"2026-01-01T00:00:01Z"})" "\n");
  CollectorConfig cfg = FileConfig(d.path, rx.url(), d.path + "/*-json.log");
  cfg.scrape_configs[0].pipeline_stages = YAML::Load("[{docker: {}}]");
  metrics::Registry reg;
  Shipper s(cfg, {}, Opts(&reg));
  REQUIRE(s.Start().ok());
  REQUIRE(WaitFor([&] { return rx.With("j-").size() == 2; }));
  auto by_line = [&] {
    auto v = rx.With("j-");
    std::sort(v.begin(), v.end(), [](const e2e::Got& x, const e2e::Got& y) { return x.line < y.line; });
    return v;
  };
  auto j = by_line();  // streams of one batch arrive grouped, not in file order
  REQUIRE(j[0].line == "j-0");
  REQUIRE(j[0].ts == 1767225600000000001LL);
  REQUIRE(j[0].labels.find("stream=\"stdout\"") != std::string::npos);
  REQUIRE(j[1].labels.find("stream=\"stderr\"") != std::string::npos);
  // rename rotation as json-file does it: unread lines in the old file are drained first
  Append(f, R"({"log":"j-2\n","stream":"stdout","time":"2026-01-01T00:00:02Z"})" "\n");
  std::filesystem::rename(f, f + ".1");
  Append(f, R"({"log":"j-3\n","stream":"stdout","time":"2026-01-01T00:00:03Z"})" "\n");
  REQUIRE(WaitFor([&] { return rx.With("j-").size() == 4; }));
  s.Stop();
  j = by_line();
  REQUIRE(j[2].line == "j-2");
  REQUIRE(j[3].line == "j-3");
}
