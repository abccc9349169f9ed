// limits_config.deletion_mode through the real skald-store: a tenant set to `disabled` in the
// runtime overrides gets Loki's 403, and under a global `filter-only` a due request hides lines
// from queries while the compactor leaves them on disk (seen after a restart without retention).
#include <catch.hpp>
#include <httplib.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/e2e/process.h"

using namespace skald::e2e;

namespace {

std::string Config(const std::string& dir, int port, bool retention) {
  return "auth_enabled: true\nserver:\n  http_listen_port: " + std::to_string(port) +
         "\ncommon:\n  path_prefix: " + dir + "/data\nlimits_config:\n  deletion_mode: filter-only\n"
         "runtime_config:\n  file: " + dir + "/runtime.yaml\ncompactor:\n  working_directory: " + dir +
         "/compactor\n  compaction_interval: 1s\n  retention_enabled: " + (retention ? "true" : "false") +
         "\n  retention_delete_delay: 0s\n  delete_request_cancel_period: 1s\n";
}

std::string Query(httplib::Client& cli, int64_t start_ns, int64_t end_ns) {
  auto res = cli.Get("/loki/api/v1/query_range",
                     httplib::Params{{"query", R"({job="e2e-mode"})"}, {"start", std::to_string(start_ns)},
                                     {"end", std::to_string(end_ns)}, {"limit", "1000"}},
                     httplib::Headers{{"X-Scope-OrgID", "open"}});
  REQUIRE(res);
  REQUIRE(res->status == 200);
  return res->body;
}

}  // namespace

TEST_CASE("e2e: deletion_mode - disabled per tenant answers 403, filter-only hides lines but keeps them on disk",
          "[e2e]") {
  TempDir dir("skald-deletion-mode");
  const int port = FreePort();
  const std::string cfg = dir.path() + "/store.yaml", log = dir.path() + "/store.log";
  WriteFile(dir.path() + "/runtime.yaml", "overrides:\n  closed:\n    deletion_mode: disabled\n");
  WriteFile(cfg, Config(dir.path(), port, true));
  const int64_t now = NowNs();
  const int64_t base = now - 3600LL * 1000000000LL;
  std::string body = R"({"streams":[{"stream":{"job":"e2e-mode"},"values":[)";
  for (int i = 0; i < 8; ++i)
    body += std::string(i ? "," : "") + "[\"" + std::to_string(base + i) + "\",\"" + (i % 2 ? "secret " : "keep ") +
            std::to_string(i) + "\"]";
  body += "]}]}";
  const httplib::Params form{{"query", R"({job="e2e-mode"} |= "secret")"},
                             {"start", std::to_string(base / 1000000000LL - 60)}};
  {
    Process store({BinPath("skald-store"), "-config.file=" + cfg}, log);
    REQUIRE(WaitReady(port, 15000));
    httplib::Client cli("127.0.0.1", port);
    cli.set_read_timeout(10, 0);
    REQUIRE(cli.Post("/loki/api/v1/push", httplib::Headers{{"X-Scope-OrgID", "open"}}, body, "application/json")->status == 204);
    REQUIRE(cli.Post("/flush", "", "text/plain")->status == 204);

    auto closed = cli.Post("/loki/api/v1/delete", httplib::Headers{{"X-Scope-OrgID", "closed"}}, form);
    REQUIRE(closed);
    CHECK(closed->status == 403);
    CHECK(closed->body == "deletion is not available for this tenant");
    auto open = cli.Post("/loki/api/v1/delete", httplib::Headers{{"X-Scope-OrgID", "open"}}, form);
    REQUIRE(open);
    INFO(open->body);
    REQUIRE(open->status == 204);
    CHECK(CountOf(Query(cli, base, now), "secret ") == 0);   // filtered at query time
    CHECK(CountOf(Query(cli, base, now), "keep ") == 4);

    bool seen_due = false;   // a pass has found the request due and kept it (filter-only)
    for (int i = 0; i < 100 && !seen_due; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      auto m = cli.Get("/metrics");
      seen_due = m && m->body.find("skald_compactor_delete_requests_filter_only 1") != std::string::npos;
    }
    CHECK(seen_due);
    auto list = cli.Get("/loki/api/v1/delete", httplib::Headers{{"X-Scope-OrgID", "open"}});
    REQUIRE(list);
    CHECK(list->body.find("\"status\":\"received\"") != std::string::npos);
    store.Kill(SIGTERM);
    CHECK(store.Wait() == 0);
  }
  WriteFile(cfg, Config(dir.path(), port, false));   // no query-time filter: what is on disk shows
  Process store({BinPath("skald-store"), "-config.file=" + cfg}, log);
  REQUIRE(WaitReady(port, 15000));
  httplib::Client cli("127.0.0.1", port);
  CHECK(CountOf(Query(cli, base, now + 60LL * 1000000000LL), "secret ") == 4);
  store.Kill(SIGTERM);
  CHECK(store.Wait() == 0);
}
