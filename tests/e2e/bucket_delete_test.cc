// Delete requests on a bucket (#22) against a real S3 server (radosgw): a request made through one
// read node hides the lines on another (fan-out to the write node included), the backend removes
// them from the chunk objects (checked by reading every object), a fresh read node sees the same,
// and a backend killed -9 again and again while it rewrites loses nothing that was not deleted.
#include <catch.hpp>
#include <httplib.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <functional>
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

constexpr int64_t kSec = 1'000'000'000LL;

// A node of the cluster. Chunks stored uncompressed (chunk_encoding: none), so the test can look
// for deleted lines in the objects' bytes; retention on (the delete API needs it) unless `plain`.
std::string Node(const std::string& target, const std::string& id, const std::string& bucket_yaml,
                 const std::vector<std::string>& writers, bool plain = false) {
  std::string peers;
  for (const auto& w : writers) peers += (peers.empty() ? "" : ", ") + ("\"" + w + "\"");
  std::string y = fmt::format("target: {}\nskald_cluster:\n  node_id: {}\n  write_nodes: [{}]\n", target, id, peers) +
                  "ingester:\n  chunk_idle_period: 1s\n  max_chunk_age: 2s\n  chunk_encoding: none\n"
                  "limits_config:\n  reject_old_samples: false\n" + bucket_yaml;
  if (!plain)
    y += "compactor:\n  retention_enabled: true\n  compaction_interval: 1s\n  retention_delete_delay: 1s\n"
         "  delete_request_cancel_period: 4s\n  delete_request_store: s3\n";
  return y;
}

// How many times `needle` occurs in the bytes of every chunk object.
int InChunkObjects(const TestS3Server& s3, const std::string& bucket, const std::string& needle) {
  int n = 0;
  for (const auto& k : s3.ListKeys(bucket, "chunks/")) n += CountOf(s3.Get(bucket + "/" + k), needle);
  return n;
}

std::string Query(int port, const std::string& q, int64_t start, int64_t end) {
  httplib::Client cli("127.0.0.1", port);
  cli.set_read_timeout(30, 0);
  return QueryRangeBody(cli, q, start, end, 5000);
}

std::string Deletes(int port) {
  httplib::Client cli("127.0.0.1", port);
  auto res = cli.Get("/loki/api/v1/delete");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  return res->body;
}

void Push(int port, const std::string& job, int64_t base, int n, const std::function<std::string(int)>& line) {
  httplib::Client cli("127.0.0.1", port);
  skald::LogStream s = MakeStream({{"job", job}});
  for (int i = 0; i < n; ++i) s.entries.push_back({base + i * 1000, line(i), {}});
  auto res = cli.Post("/loki/api/v1/push", JsonPushBody({s}), "application/json");
  REQUIRE(res);
  REQUIRE(res->status == 204);
}

void RequestDelete(int port, const std::string& query, int64_t start_ns) {
  httplib::Client cli("127.0.0.1", port);
  httplib::Params form{{"query", query}, {"start", std::to_string(start_ns / kSec - 60)}};
  auto res = cli.Post("/loki/api/v1/delete", form);
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 204);
}

bool Eventually(const std::function<bool()>& fn, int seconds) {
  return WaitFor(fn, std::chrono::milliseconds(seconds * 1000), std::chrono::milliseconds(250));
}

}  // namespace

TEST_CASE("bucket deletes: a request through one read node hides lines on another, the backend removes them "
          "from the objects, a fresh read node sees it", "[e2e][s3]") {
  auto& s3 = TestS3Server::Get();
  if (!s3.Available()) return;
  const std::string bucket = s3.NewBucket("skald-delete");
  const std::string by = BucketYaml(s3, bucket);
  TempDir dir("skald-s3-delete");
  StoreUnderTest w1(dir.path(), "w1"), r1(dir.path(), "r1"), r2(dir.path(), "r2"), be(dir.path(), "be");
  w1.Configure(dir.path() + "/w1", false, Node("write", "w1", by, {}));
  r1.Configure(dir.path() + "/r1", false, Node("read", "r1", by, {w1.url()}));
  r2.Configure(dir.path() + "/r2", false, Node("read", "r2", by, {w1.url()}));
  be.Configure(dir.path() + "/be", false, Node("backend", "be", by, {w1.url()}));
  REQUIRE(w1.Start());
  REQUIRE(r1.Start());
  REQUIRE(r2.Start());
  const int64_t now = NowNs();
  const int64_t base = now - 3600 * kSec;
  Push(w1.port(), "bd", base, 40, [](int i) { return fmt::format("{} line {:02d}", i % 4 ? "keep" : "secret", i); });
  const std::string q = R"({job="bd"})";
  // Shipped, and in the bucket's index on r2.
  REQUIRE(Eventually([&] { return InChunkObjects(s3, bucket, "secret line") == 10; }, 30));
  CHECK(CountOf(Query(r2.port(), q, base, now), "secret line") == 10);

  RequestDelete(r1.port(), R"({job="bd"} |= "secret")", base);
  // Within a resync interval (1s) on every node: the read nodes filter the bucket's data, the write
  // node what the read nodes' fan-out brings from it (as Loki's queriers, which cache requests).
  CHECK(Eventually([&] { return CountOf(Query(r1.port(), q, base, now), "secret line") == 0; }, 10));
  CHECK(Eventually([&] { return CountOf(Query(r2.port(), q, base, now), "secret line") == 0; }, 10));
  CHECK(CountOf(Query(r2.port(), q, base, now), "keep line") == 30);
  CHECK(Deletes(r2.port()).find(R"("query":"{job=\"bd\"} |= \"secret\"")") != std::string::npos);
  CHECK(InChunkObjects(s3, bucket, "secret line") == 10);   // filtered, not yet removed

  // The backend processes it after the cancel period (4s): the lines leave the objects.
  REQUIRE(be.Start());
  CHECK(Eventually([&] { return Deletes(r2.port()).find(R"("status":"processed")") != std::string::npos; }, 30));
  CHECK(Eventually([&] { return InChunkObjects(s3, bucket, "secret line") == 0; }, 60));
  CHECK(InChunkObjects(s3, bucket, "keep line") == 30);
  CHECK(CountOf(Query(r2.port(), q, base, now), "keep line") == 30);
  CHECK(CountOf(Query(r1.port(), q, base, now), "keep line") == 30);
  const std::string rate = fmt::format("sum(count_over_time({}[2h]))", q);
  CHECK(Query(r2.port(), rate, now - 60 * kSec, now).find("\"30\"") != std::string::npos);

  // A fresh read node over the bucket alone, without query-time filtering: nothing comes back.
  StoreUnderTest fresh(dir.path(), "fresh");
  fresh.Configure(dir.path() + "/fresh", false, Node("read", "fresh", by, {}, true));
  REQUIRE(fresh.Start());
  std::string out = Query(fresh.port(), q, base, now);
  CHECK(CountOf(out, "secret line") == 0);
  CHECK(CountOf(out, "keep line") == 30);
  // And one with retention on lists the request as processed.
  StoreUnderTest fresh2(dir.path(), "fresh2");
  fresh2.Configure(dir.path() + "/fresh2", false, Node("read", "fresh2", by, {}));
  REQUIRE(fresh2.Start());
  CHECK(Deletes(fresh2.port()).find(R"("status":"processed")") != std::string::npos);
  CHECK(CountOf(Query(fresh2.port(), q, base, now), "keep line") == 30);
  // Data pushed later into the deleted window (not yet shipped when the request was processed) is
  // hidden at once and removed once shipped.
  Push(w1.port(), "bd", base + 500, 4, [](int i) { return fmt::format("secret late {}", i); });
  CHECK(CountOf(Query(r2.port(), q, base, now), "secret late") == 0);
  auto all_compacted = [&] {
    for (const auto& k : s3.ListKeys(bucket, "index/"))
      if (k.find("/compacted-") == std::string::npos) return false;
    return true;
  };
  CHECK(Eventually([&] { return InChunkObjects(s3, bucket, "secret late") == 0 && all_compacted(); }, 90));
  CHECK(CountOf(Query(r2.port(), q, base, now), "keep line") == 30);
}

TEST_CASE("bucket deletes: a backend killed -9 while it rewrites loses nothing that was not deleted", "[e2e][s3]") {
  auto& s3 = TestS3Server::Get();
  if (!s3.Available()) return;
  const std::string bucket = s3.NewBucket("skald-delete-kill");
  const std::string by = BucketYaml(s3, bucket);
  TempDir dir("skald-s3-delete-kill");
  StoreUnderTest w1(dir.path(), "w1"), be(dir.path(), "be");
  w1.Configure(dir.path() + "/w1", false, Node("write", "w1", by, {}));
  be.Configure(dir.path() + "/be", false, Node("backend", "be", by, {w1.url()}));
  REQUIRE(w1.Start());
  const int64_t now = NowNs();
  // Five days of lines (a stream per day: chunks do not span days), so the backend has five days of
  // objects to rewrite.
  const int kDays = 5, kPerDay = 2000;
  std::vector<int64_t> bases;
  for (int d = 0; d < kDays; ++d) bases.push_back(now - (kDays - d) * 24 * 3600 * kSec);
  for (int d = 0; d < kDays; ++d) {   // oldest first: a stream takes no entries far behind its newest
    Push(w1.port(), "kill" + std::to_string(d), bases[static_cast<size_t>(d)], kPerDay, [d](int i) {
      return fmt::format("{} d{} n{:05d} {}", i % 10 == 3 ? "drop" : "stay", d, i, std::string(200, 'x'));
    });
  }
  httplib::Client wc("127.0.0.1", w1.port());
  REQUIRE(wc.Post("/flush")->status == 204);
  REQUIRE(Eventually([&] { return InChunkObjects(s3, bucket, " n01999 ") == kDays; }, 60));
  REQUIRE(w1.Stop() == 0);   // everything shipped; the backend alone works on the bucket now
  REQUIRE(be.Start());
  // Segment objects wait 12s (2 x upload_interval + 10s) before deletes apply to them: let the
  // request come due (4s) when they are older than that, so the rewrite starts at once.
  std::this_thread::sleep_for(std::chrono::seconds(9));
  RequestDelete(be.port(), R"({job=~"kill.*"} |= "drop")", bases.front());
  // Once the cancel period (4s) is over the backend rewrites day after day, logging each: kill it
  // right after a day is rewritten and before the request is marked processed, and restart it.
  int mid_kills = 0;
  for (int round = 0; round < kDays; ++round) {
    const int before = CountOf(ReadFile(be.log()), "deleted lines removed");
    bool done = false;
    REQUIRE(WaitFor([&] {
      const std::string log = ReadFile(be.log());
      done = log.find("delete request processed on the bucket") != std::string::npos;
      return done || CountOf(log, "deleted lines removed") > before;
    }, std::chrono::milliseconds(30000), std::chrono::milliseconds(2)));
    if (done) break;
    be.Kill(SIGKILL);
    be.Wait();
    ++mid_kills;
    REQUIRE(be.Start());
  }
  CHECK(mid_kills >= 2);
  CHECK(Eventually([&] { return Deletes(be.port()).find(R"("status":"processed")") != std::string::npos; }, 60));
  CHECK(Eventually([&] { return InChunkObjects(s3, bucket, "drop d") == 0; }, 90));
  REQUIRE(be.Stop() == 0);
  // A read node without filtering: every kept line once, no deleted one.
  StoreUnderTest r(dir.path(), "r");
  r.Configure(dir.path() + "/r", false, Node("read", "r", by, {}, true));
  REQUIRE(r.Start());
  httplib::Client cli("127.0.0.1", r.port());
  cli.set_read_timeout(60, 0);
  for (int d = 0; d < kDays; ++d) {
    std::multiset<std::string> lines;
    const int64_t from = bases[static_cast<size_t>(d)];
    const std::string body = QueryRangeBody(cli, R"({job=~"kill.*"})", from, from + kPerDay * 1000, 5000);
    const std::string tag = fmt::format(" d{} n", d);
    for (size_t pos = 0; (pos = body.find(tag, pos)) != std::string::npos; ++pos) lines.insert(body.substr(pos, 11));
    INFO("day " << d);
    CHECK(lines.size() == static_cast<size_t>(kPerDay - kPerDay / 10));
    CHECK(std::set<std::string>(lines.begin(), lines.end()).size() == lines.size());
  }
  CHECK(InChunkObjects(s3, bucket, "stay d") == kDays * (kPerDay - kPerDay / 10));
}
