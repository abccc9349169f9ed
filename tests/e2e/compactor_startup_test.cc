// The real skald-store restarted over data that expired while it was down: as in Loki, the
// compactor's start-up pass removes it at once (retention_delete_delay 0s) instead of one
// compaction_interval (1h here) later, and the store is ready without waiting for that pass.
#include <catch.hpp>
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "store/compactor/compactor.h"
#include "tests/e2e/store_under_test.h"

using namespace skald::e2e;

namespace {

constexpr int64_t kDayNs = 86400LL * 1000000000LL;

std::string Extra(const std::string& dir, bool retention) {
  return "limits_config:\n  reject_old_samples: false\n  retention_period: 720h\ncompactor:\n"
         "  working_directory: " + dir + "/compactor\n  compaction_interval: 1h\n  retention_enabled: " +
         (retention ? "true" : "false") + "\n  retention_delete_delay: 0s\n";
}

int FilesIn(const std::string& dir) {
  std::error_code ec;
  int n = 0;
  for (auto it = std::filesystem::directory_iterator(dir, ec); !ec && it != std::filesystem::directory_iterator();
       it.increment(ec))
    n += it->is_regular_file(ec) ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("e2e: a restarted store drops data that expired while it was down without waiting an interval",
          "[e2e]") {
  TempDir dir("skald-compactor-start");
  StoreUnderTest store(dir.path());
  const int port = store.port();
  const int64_t now = NowNs();
  const int64_t old_ts = now - 40 * kDayNs, new_ts = now - 2 * kDayNs;
  const std::string old_dir = dir.path() + "/data/chunks/fake/" + skald::compactor::UtcDay(old_ts);
  const std::string new_dir = dir.path() + "/data/chunks/fake/" + skald::compactor::UtcDay(new_ts);
  {
    store.Configure(dir.path() + "/data", false, Extra(dir.path(), false));   // no retention yet: the old data is kept
    REQUIRE(store.Start());
    httplib::Client cli("127.0.0.1", port);
    const std::string body =
        JsonPushBody({MakeStream({{"job", "e2e-start"}, {"age", "old"}}, {{old_ts, "forty days old", {}}}),
                      MakeStream({{"job", "e2e-start"}, {"age", "new"}}, {{new_ts, "two days old", {}}})});
    auto res = cli.Post("/loki/api/v1/push", body, "application/json");
    REQUIRE(res);
    INFO(res->body);
    REQUIRE(res->status == 204);
    REQUIRE(cli.Post("/flush", "", "text/plain")->status == 204);
    REQUIRE(store.Stop() == 0);
  }
  REQUIRE(FilesIn(old_dir) > 0);
  REQUIRE(FilesIn(new_dir) > 0);

  // 720h retention: the 40-day-old chunk is expired
  store.Configure(dir.path() + "/data", false, Extra(dir.path(), true));
  REQUIRE(store.Start());
  bool swept = false;
  for (int i = 0; i < 100 && !swept; ++i) {
    swept = FilesIn(old_dir) == 0;
    if (!swept) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  INFO(ReadFile(store.log()));
  CHECK(swept);
  CHECK(FilesIn(new_dir) > 0);
  httplib::Client cli("127.0.0.1", port);
  auto q = cli.Get("/loki/api/v1/query_range",
                   httplib::Params{{"query", R"({job="e2e-start"})"}, {"start", std::to_string(new_ts - 1000)},
                                   {"end", std::to_string(now)}, {"limit", "100"}},
                   httplib::Headers{});
  REQUIRE(q);
  CHECK(q->status == 200);
  CHECK(q->body.find("two days old") != std::string::npos);   // only the expired chunk went
  CHECK(store.Stop() == 0);
}
