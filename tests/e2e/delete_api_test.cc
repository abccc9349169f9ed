// The real skald-store and Loki's deletion API over HTTP: a delete request hides matching lines
// at once, the compactor processes it after the cancel period, and a restart without retention
// (no query-time filter) shows the lines are gone from the chunk files.
#include <catch.hpp>
#include <httplib.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/e2e/process.h"

using namespace skald::e2e;

namespace {

std::string Config(const std::string& dir, int port, bool retention) {
  return "auth_enabled: false\nserver:\n  http_listen_port: " + std::to_string(port) +
         "\ncommon:\n  path_prefix: " + dir + "/data\ncompactor:\n  working_directory: " + dir +
         "/compactor\n  compaction_interval: 1s\n  retention_enabled: " + (retention ? "true" : "false") +
         "\n  retention_delete_delay: 0s\n  delete_request_cancel_period: 1s\n";
}

std::string QueryAll(httplib::Client& cli, int64_t start_ns, int64_t end_ns) {
  httplib::Params p{{"query", R"({job="e2e-delete"})"}, {"start", std::to_string(start_ns)},
                    {"end", std::to_string(end_ns)}, {"limit", "1000"}};
  auto res = cli.Get("/loki/api/v1/query_range", p, httplib::Headers{});
  REQUIRE(res);
  REQUIRE(res->status == 200);
  return res->body;
}

}  // namespace

TEST_CASE("e2e: delete API hides lines at once and the compactor removes them from disk", "[e2e]") {
  TempDir dir("skald-delete");
  const int port = FreePort();
  const std::string cfg = dir.path() + "/store.yaml", log = dir.path() + "/store.log";
  WriteFile(cfg, Config(dir.path(), port, true));
  const int64_t now_ns = NowNs();
  const int64_t base = now_ns - 3600LL * 1000000000LL;
  std::string body = R"({"streams":[{"stream":{"job":"e2e-delete"},"values":[)";
  for (int i = 0; i < 20; ++i)
    body += std::string(i ? "," : "") + "[\"" + std::to_string(base + i) + "\",\"" + (i % 4 ? "keep " : "secret ") +
            std::to_string(i) + "\"]";
  body += "]}]}";
  {
    Process store({BinPath("skald-store"), "-config.file=" + cfg}, log);
    REQUIRE(WaitReady(port, 15000));
    httplib::Client cli("127.0.0.1", port);
    cli.set_read_timeout(10, 0);
    REQUIRE(cli.Post("/loki/api/v1/push", body, "application/json")->status == 204);
    REQUIRE(cli.Post("/flush", "", "text/plain")->status == 204);
    CHECK(CountOf(QueryAll(cli, base, now_ns), "secret ") == 5);

    httplib::Params form{{"query", R"({job="e2e-delete"} |= "secret")"},
                         {"start", std::to_string(base / 1000000000LL - 60)}};
    auto res = cli.Post("/loki/api/v1/delete", form);   // form body, as logcli sends it
    REQUIRE(res);
    INFO(res->body);
    REQUIRE(res->status == 204);
    std::string out = QueryAll(cli, base, now_ns);
    CHECK(CountOf(out, "secret ") == 0);     // at once, before the compactor
    CHECK(CountOf(out, "keep ") == 15);

    bool processed = false;
    for (int i = 0; i < 100 && !processed; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      auto list = cli.Get("/loki/api/v1/delete");
      REQUIRE(list);
      processed = list->body.find("\"status\":\"processed\"") != std::string::npos;
    }
    CHECK(processed);
    store.Kill(SIGTERM);
    CHECK(store.Wait() == 0);
  }
  WriteFile(cfg, Config(dir.path(), port, false));   // no query-time filtering from here on
  Process store({BinPath("skald-store"), "-config.file=" + cfg}, log);
  REQUIRE(WaitReady(port, 15000));
  httplib::Client cli("127.0.0.1", port);
  std::string out = QueryAll(cli, base, now_ns + 60LL * 1000000000LL);
  CHECK(CountOf(out, "secret ") == 0);
  CHECK(CountOf(out, "keep ") == 15);
  auto res = cli.Post("/loki/api/v1/delete?query=%7Ba%3D%22b%22%7D&start=1699990000", "", "text/plain");
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(res->body == "Retention is not enabled");
}
