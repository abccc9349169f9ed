// limits_config.deletion_mode through the real skald-store: a tenant set to `disabled` in the
// runtime overrides gets Loki's 403, and under a global `filter-only` a due request hides lines
// from queries while the compactor leaves them on disk (seen after a restart without retention).
#include <catch.hpp>
#include <httplib.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/e2e/store_under_test.h"

using namespace skald::e2e;

namespace {

std::string Extra(const std::string& dir, bool retention) {
  return "limits_config:\n  deletion_mode: filter-only\nruntime_config:\n  file: " + dir +
         "/runtime.yaml\ncompactor:\n  working_directory: " + dir + "/compactor\n  compaction_interval: 1s\n"
         "  retention_enabled: " + (retention ? "true" : "false") +
         "\n  retention_delete_delay: 0s\n  delete_request_cancel_period: 1s\n";
}

std::string Query(httplib::Client& cli, int64_t start_ns, int64_t end_ns) {
  return QueryRangeBody(cli, R"({job="e2e-mode"})", start_ns, end_ns, 1000, {{"X-Scope-OrgID", "open"}});
}

}  // namespace

TEST_CASE("e2e: deletion_mode - disabled per tenant answers 403, filter-only hides lines but keeps them on disk",
          "[e2e]") {
  TempDir dir("skald-deletion-mode");
  StoreUnderTest store(dir.path());
  WriteFile(dir.path() + "/runtime.yaml", "overrides:\n  closed:\n    deletion_mode: disabled\n");
  store.Configure(dir.path() + "/data", true, Extra(dir.path(), true));
  const int64_t now = NowNs();
  const int64_t base = now - 3600LL * 1000000000LL;
  skald::LogStream stream = MakeStream({{"job", "e2e-mode"}});
  for (int i = 0; i < 8; ++i)
    stream.entries.push_back({base + i, (i % 2 ? "secret " : "keep ") + std::to_string(i), {}});
  const std::string body = JsonPushBody({stream});
  const httplib::Params form{{"query", R"({job="e2e-mode"} |= "secret")"},
                             {"start", std::to_string(base / 1000000000LL - 60)}};
  {
    REQUIRE(store.Start());
    httplib::Client cli("127.0.0.1", store.port());
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
    CHECK(store.Stop() == 0);
  }
  // no query-time filter: what is on disk shows
  store.Configure(dir.path() + "/data", true, Extra(dir.path(), false));
  REQUIRE(store.Start());
  httplib::Client cli("127.0.0.1", store.port());
  CHECK(CountOf(Query(cli, base, now + 60LL * 1000000000LL), "secret ") == 4);
  CHECK(store.Stop() == 0);
}
