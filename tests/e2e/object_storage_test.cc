// Object storage end to end (#22) against a real S3 server (radosgw, tests/s3_server.h): two write
// nodes take pushes, one is SIGKILLed mid-stream and restarted, and a read node returns every
// acknowledged line exactly once; a fresh node over the same bucket returns the same; retention
// deletes chunk objects from the bucket.
#include <catch.hpp>
#include <httplib.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "tests/e2e/object_store_mode.h"
#include "tests/e2e/store_under_test.h"
#include "tests/s3_server.h"
#include "tests/test_support.h"

using namespace skald::e2e;
using skald::test_support::WaitFor;
using skald::testing::TestS3Server;

namespace {

void PushLoop(int port, const std::string& job, int64_t base_ns, std::atomic<bool>& stop,
              std::atomic<int>& next_id, std::set<int>& acked, std::mutex& mu) {
  httplib::Client cli("127.0.0.1", port);
  cli.set_connection_timeout(0, 200000);
  cli.set_read_timeout(5, 0);
  while (!stop.load()) {
    std::vector<int> ids;
    const std::string body = IdBatchBody(job, 10, "", base_ns, next_id, &ids);
    if (!PushAcked(cli, body, ids, &acked, &mu)) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::map<int, int> QueryAll(int port, const std::string& query, int64_t base_ns, int max_id) {
  httplib::Client cli("127.0.0.1", port);
  cli.set_read_timeout(30, 0);
  return SeenIds(cli, query, base_ns, base_ns + max_id + 1);
}

// The number of objects under `prefix`, listed through curl.
int CountObjects(const TestS3Server& s3, const std::string& bucket, const std::string& prefix) {
  return static_cast<int>(s3.ListKeys(bucket, prefix).size());
}

std::string UtcDay(int64_t ns) {
  time_t sec = static_cast<time_t>(ns / 1000000000);
  struct tm tm;
  gmtime_r(&sec, &tm);
  return fmt::format("{:04d}-{:02d}-{:02d}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

}  // namespace

TEST_CASE("object storage: two write nodes, one killed -9 three times, a read node returns every acknowledged line once",
          "[e2e][s3]") {
  auto& s3 = TestS3Server::Get();
  if (!s3.Available()) return;
  const std::string bucket_yaml = BucketYaml(s3, s3.NewBucket("skald-scale"));
  TempDir dir("skald-s3-scale");
  StoreUnderTest w1(dir.path(), "w1"), w2(dir.path(), "w2"), r1(dir.path(), "r1");
  w1.Configure(dir.path() + "/w1", false, NodeYaml("write", "w1", bucket_yaml));
  w2.Configure(dir.path() + "/w2", false, NodeYaml("write", "w2", bucket_yaml));
  r1.Configure(dir.path() + "/r1", false, NodeYaml("read", "r1", bucket_yaml, {w1.url(), w2.url()}));
  REQUIRE(w1.Start());
  REQUIRE(w2.Start());
  REQUIRE(r1.Start());

  const int64_t base_ns = NowNs() - 60'000'000'000LL;
  std::set<int> acked;
  std::mutex mu;
  std::atomic<int> next_id{0};
  std::atomic<bool> stop{false};
  std::thread p1(PushLoop, w1.port(), "scale", base_ns, std::ref(stop), std::ref(next_id), std::ref(acked), std::ref(mu));
  std::thread p2(PushLoop, w2.port(), "scale", base_ns, std::ref(stop), std::ref(next_id), std::ref(acked), std::ref(mu));
  // Three crashes of w1 at different points of its flush and ship passes (upload_interval 1s,
  // chunks cut after 1-2 s), each followed by a restart on the same volume while pushes go on.
  for (int round = 0; round < 3; ++round) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2500 + 700 * round));
    w1.Kill(SIGKILL);
    w1.Wait();
    if (round < 2) REQUIRE(w1.Start());
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));   // w2 goes on alone
  stop = true;
  p1.join();
  p2.join();
  {
    // With w1 down, a read that needs it fails naming the node (Loki fails such queries too).
    httplib::Client cli("127.0.0.1", r1.port());
    auto res = cli.Get(fmt::format("/loki/api/v1/query_range?query=%7Bjob%3D%22scale%22%7D&start={}&end={}",
                                   base_ns, NowNs()));
    REQUIRE(res);
    CHECK(res->status >= 500);
    CHECK(res->body.find(w1.url()) != std::string::npos);
  }
  REQUIRE(w1.Start());   // WAL replay on the same volume
  const int max_id = next_id.load();
  REQUIRE(acked.size() > 200);
  auto seen = QueryAll(r1.port(), R"({job="scale"})", base_ns, max_id);
  IdLoss loss = CompareIds(acked, seen);
  INFO("acked " << acked.size() << " seen " << seen.size());
  CHECK(loss.missing == 0);
  CHECK(loss.dups == 0);

  // Graceful stops flush and ship what the write nodes hold; a fresh node over the bucket alone
  // (no write nodes) then answers the same.
  CHECK(w1.Stop() == 0);
  CHECK(w2.Stop() == 0);
  StoreUnderTest fresh(dir.path(), "fresh");
  fresh.Configure(dir.path() + "/fresh", false, NodeYaml("read", "fresh", bucket_yaml));
  REQUIRE(fresh.Start());
  auto fresh_seen = QueryAll(fresh.port(), R"({job="scale"})", base_ns, max_id);
  IdLoss fresh_loss = CompareIds(acked, fresh_seen);
  CHECK(fresh_loss.missing == 0);
  CHECK(fresh_loss.dups == 0);
  CHECK(fresh_seen == seen);
}

TEST_CASE("object storage: retention deletes expired chunk objects from the bucket", "[e2e][s3]") {
  auto& s3 = TestS3Server::Get();
  if (!s3.Available()) return;
  const std::string bucket = s3.NewBucket("skald-retention");
  TempDir dir("skald-s3-retention");
  StoreUnderTest store(dir.path(), "all");
  const std::string base = NodeYaml("all", "a1", BucketYaml(s3, bucket)) +
                           "limits_config:\n  retention_period: 48h\n  reject_old_samples: false\n";
  store.Configure(dir.path() + "/data", false, base);
  REQUIRE(store.Start());
  const int64_t now = NowNs();
  const int64_t old_ns = now - 4LL * 24 * 3600 * 1'000'000'000LL;
  httplib::Client cli("127.0.0.1", store.port());
  for (auto [job, ts] : {std::pair<const char*, int64_t>{"old", old_ns}, {"new", now - 1'000'000'000LL}}) {
    std::vector<skald::LogEntry> entries;
    for (int i = 0; i < 50; ++i) entries.push_back({ts + i, fmt::format("{} line {}", job, i), {}});
    auto res = cli.Post("/loki/api/v1/push", JsonPushBody({MakeStream({{"job", job}}, entries)}), "application/json");
    REQUIRE(res);
    REQUIRE(res->status == 204);
  }
  REQUIRE(cli.Post("/flush")->status == 204);
  const std::string old_prefix = "chunks/fake/" + UtcDay(old_ns) + "/";
  const std::string new_prefix = "chunks/fake/" + UtcDay(now) + "/";
  // Without retention both days reach the bucket...
  CHECK(WaitFor([&] { return CountObjects(s3, bucket, old_prefix) > 0 && CountObjects(s3, bucket, new_prefix) > 0; },
                std::chrono::milliseconds(20000), std::chrono::milliseconds(200)));
  REQUIRE(store.Stop() == 0);
  // ...then retention (48h) expires the old day: its rows leave the index and its objects the bucket.
  store.Configure(dir.path() + "/data", false,
                  base + "compactor:\n  retention_enabled: true\n  compaction_interval: 1s\n"
                         "  retention_delete_delay: 1s\n  delete_request_store: s3\n");
  REQUIRE(store.Start());
  CHECK(WaitFor([&] { return CountObjects(s3, bucket, old_prefix) == 0; }, std::chrono::milliseconds(30000),
                std::chrono::milliseconds(200)));
  CHECK(CountObjects(s3, bucket, new_prefix) > 0);
  auto body = QueryRangeBody(cli, R"({job=~"old|new"})", old_ns - 1, now + 1, 1000);
  CHECK(body.find("new line 0") != std::string::npos);
  CHECK(body.find("old line 0") == std::string::npos);
}

TEST_CASE("object storage: with the bucket unreachable pushes go on, and what was flushed ships once it is back",
          "[e2e][s3]") {
  auto& s3 = TestS3Server::Get();
  if (!s3.Available()) return;
  const std::string bucket = s3.NewBucket("skald-outage");
  TempDir dir("skald-s3-outage");
  StoreUnderTest w(dir.path(), "w");
  // The same bucket behind an endpoint where nothing listens: every S3 request fails.
  std::string down = BucketYaml(s3, bucket);
  const std::string endpoint = s3.endpoint();
  down.replace(down.find(endpoint), endpoint.size(), "http://127.0.0.1:" + std::to_string(FreePort()));
  down.replace(down.find("    insecure: true\n"), 0, "    backoff_config: {min_period: 10ms, max_period: 50ms, max_retries: 2}\n");
  w.Configure(dir.path() + "/w", false, NodeYaml("write", "w1", down));
  REQUIRE(w.Start());
  const int64_t base_ns = NowNs() - 60'000'000'000LL;
  std::set<int> acked;
  std::mutex mu;
  std::atomic<int> next_id{0};
  httplib::Client cli("127.0.0.1", w.port());
  for (int i = 0; i < 20; ++i) {
    std::vector<int> ids;
    REQUIRE(PushAcked(cli, IdBatchBody("outage", 10, "", base_ns, next_id, &ids), ids, &acked, &mu));
  }
  REQUIRE(cli.Post("/flush")->status == 204);
  auto failures = [&] {
    auto res = cli.Get("/metrics");
    return res && res->body.find("skald_shipper_upload_failures_total 0") == std::string::npos &&
           res->body.find("skald_shipper_upload_failures_total") != std::string::npos;
  };
  CHECK(WaitFor(failures, std::chrono::milliseconds(15000), std::chrono::milliseconds(200)));
  CHECK(CountObjects(s3, bucket, "chunks/") == 0);
  auto seen = SeenIds(cli, R"({job="outage"})", base_ns, base_ns + next_id.load() + 1);
  CHECK(CompareIds(acked, seen).missing == 0);   // still served from the local segments
  REQUIRE(w.Stop() == 0);
  // The bucket is back: the local segments ship, and a read node over the bucket has everything.
  w.Configure(dir.path() + "/w", false, NodeYaml("write", "w1", BucketYaml(s3, bucket)));
  REQUIRE(w.Start());
  CHECK(WaitFor([&] { return CountObjects(s3, bucket, "index/") > 0; }, std::chrono::milliseconds(20000),
                std::chrono::milliseconds(200)));
  REQUIRE(w.Stop() == 0);
  StoreUnderTest r(dir.path(), "r");
  r.Configure(dir.path() + "/r", false, NodeYaml("read", "r1", BucketYaml(s3, bucket)));
  REQUIRE(r.Start());
  auto from_bucket = QueryAll(r.port(), R"({job="outage"})", base_ns, next_id.load());
  IdLoss loss = CompareIds(acked, from_bucket);
  CHECK(loss.missing == 0);
  CHECK(loss.dups == 0);
}
