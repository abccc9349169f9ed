// The real skald-store and Loki's deletion API over HTTP: a delete request hides matching lines
// at once, the compactor processes it after the cancel period, and a restart without retention
// (no query-time filter) shows the lines are gone from the chunk files.
#include <catch.hpp>
#include <httplib.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/e2e/object_store_mode.h"
#include "tests/e2e/store_under_test.h"

using namespace skald::e2e;

namespace {

std::string Compactor(const std::string& dir, bool retention) {
  return "compactor:\n  working_directory: " + dir + "/compactor\n  compaction_interval: 1s\n  retention_enabled: " +
         (retention ? "true" : "false") + "\n  retention_delete_delay: 0s\n  delete_request_cancel_period: 1s\n";
}

std::string QueryAll(httplib::Client& cli, int64_t start_ns, int64_t end_ns) {
  return QueryRangeBody(cli, R"({job="e2e-delete"})", start_ns, end_ns, 1000);
}

}  // namespace

// The "e2e-s3: " variant ([objstore]) runs it with target all on a bucket: the bucket compactor
// rewrites the chunk objects and repoints the node's own index (store/shipper/FORMAT.md, "Deletes").
TEST_CASE("e2e: delete API hides lines at once and the compactor removes them from disk", "[e2e][objstore]") {
  TempDir dir("skald-delete");
  StoreUnderTest store(dir.path());
  const int port = store.port();
  store.Configure(dir.path() + "/data", false, Compactor(dir.path(), true));
  const int64_t now_ns = NowNs();
  const int64_t base = now_ns - 3600LL * 1000000000LL;
  skald::LogStream stream = MakeStream({{"job", "e2e-delete"}});
  for (int i = 0; i < 20; ++i)
    stream.entries.push_back({base + i, (i % 4 ? "keep " : "secret ") + std::to_string(i), {}});
  const std::string body = JsonPushBody({stream});
  {
    REQUIRE(store.Start());
    httplib::Client cli("127.0.0.1", port);
    cli.set_read_timeout(10, 0);
    REQUIRE(cli.Post("/loki/api/v1/push", body, "application/json")->status == 204);
    REQUIRE(cli.Post("/flush", "", "text/plain")->status == 204);
    SettleInBucket(port, dir.path() + "/data");   // the "e2e-s3: " variant: chunks only in the bucket
    CHECK(CountOf(QueryAll(cli, base, now_ns), "secret ") == 5);
    CheckReadsHitBucket(port);

    httplib::Params form{{"query", R"({job="e2e-delete"} |= "secret")"},
                         {"start", std::to_string(base / 1000000000LL - 60)}};
    auto res = cli.Post("/loki/api/v1/delete", form);   // form body, as logcli sends it
    REQUIRE(res);
    INFO(res->body);
    REQUIRE(res->status == 204);
    std::string out = QueryAll(cli, base, now_ns);
    CHECK(CountOf(out, "secret ") == 0);     // at once, before the compactor
    CHECK(CountOf(out, "keep ") == 15);

    bool processed = false;   // on a bucket: once the shipped objects are 12s old (FORMAT.md there)
    for (int i = 0; i < 400 && !processed; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      auto list = cli.Get("/loki/api/v1/delete");
      REQUIRE(list);
      processed = list->body.find("\"status\":\"processed\"") != std::string::npos;
    }
    CHECK(processed);
    CHECK(store.Stop() == 0);
  }
  // no query-time filtering from here on
  store.Configure(dir.path() + "/data", false, Compactor(dir.path(), false));
  REQUIRE(store.Start());
  httplib::Client cli("127.0.0.1", port);
  std::string out = QueryAll(cli, base, now_ns + 60LL * 1000000000LL);
  CHECK(CountOf(out, "secret ") == 0);
  CHECK(CountOf(out, "keep ") == 15);
  auto res = cli.Post("/loki/api/v1/delete?query=%7Ba%3D%22b%22%7D&start=1699990000", "", "text/plain");
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(res->body == "Retention is not enabled");
}
