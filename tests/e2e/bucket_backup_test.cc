// Bucket backup end to end against a real S3 server (radosgw): a write node ships several days into
// bucket A; `skald-store backup -config.file` copies A while a pusher pushes and a backend compacts
// A's index; `restore` fills a fresh bucket B; a read node over B answers a log query and a metric
// query exactly as a read node over A. A damaged backup is refused by check and restore.
#include <catch.hpp>
#include <httplib.h>
#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
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
constexpr int64_t kDay = 24 * 3600 * kSec;
constexpr int kDays = 4, kStreamsPerDay = 2, kLinesPerStream = 150;

std::string SeveralDaysBody(int64_t now) {
  std::vector<skald::LogStream> streams;
  for (int d = 0; d < kDays; ++d)
    for (int k = 0; k < kStreamsPerDay; ++k) {
      auto& st = streams.emplace_back(MakeStream({{"job", "bak"}, {"day", std::to_string(d)}, {"s", std::to_string(k)}}));
      const int64_t base = now - d * kDay - 600 * kSec;
      for (int i = 0; i < kLinesPerStream; ++i)
        st.entries.push_back(
            {base + i * kSec, fmt::format("day={} s={} line={} level={}", d, k, i, i % 3 ? "info" : "error"), {}});
    }
  return JsonPushBody(streams);
}

// A query_range answer reduced to sorted "labels|ts|line-or-value" rows (streams or matrix).
std::vector<std::string> Rows(int port, const std::string& query, int64_t start, int64_t end, const std::string& step) {
  httplib::Client cli("127.0.0.1", port);
  cli.set_read_timeout(30, 0);
  auto res = cli.Get("/loki/api/v1/query_range",
                     httplib::Params{{"query", query}, {"start", std::to_string(start)}, {"end", std::to_string(end)},
                                     {"limit", "5000"}, {"direction", "forward"}, {"step", step}},
                     httplib::Headers{});
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 200);
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(res->body);
  std::vector<std::string> rows;
  for (simdjson::dom::element r : doc["data"]["result"].get_array()) {
    simdjson::dom::object labels;
    if (r["stream"].get(labels)) labels = r["metric"].get_object();
    std::string ls;
    for (auto [k, v] : labels) ls += fmt::format("{}={},", k, std::string_view(v.get_string()));
    for (simdjson::dom::element pair : r["values"].get_array()) {
      auto a = pair.get_array();
      std::string ts = a.at(0).is_string() ? std::string(a.at(0).get_string().value())
                                           : fmt::format("{}", double(a.at(0).get_double()));
      rows.push_back(ls + "|" + ts + "|" + std::string(a.at(1).get_string().value()));
    }
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

RunResult Tool(const std::vector<std::string>& args) {
  std::vector<std::string> argv{BinPath("skald-store")};
  argv.insert(argv.end(), args.begin(), args.end());
  return Run(argv, 120000);
}

// The first chunk object file of a backup directory.
std::string FirstChunkObject(const std::string& bak) {
  for (const auto& e : std::filesystem::recursive_directory_iterator(bak + "/objects/chunks"))
    if (e.is_regular_file() && e.path().extension() == ".skc") return e.path().string();
  FAIL("no chunk object in " << bak);
  return "";
}

}  // namespace

TEST_CASE("bucket backup: taken while pushing, restored into a fresh bucket, read back identically", "[e2e][s3][backup]") {
  auto& s3 = TestS3Server::Get();
  if (!s3.Available()) return;
  const std::string yaml_a = BucketYaml(s3, s3.NewBucket("skald-bak-a"));
  const std::string yaml_b = BucketYaml(s3, s3.NewBucket("skald-bak-b"));
  TempDir dir("skald-bucket-backup");
  StoreUnderTest w1(dir.path(), "w1"), be(dir.path(), "be"), ra(dir.path(), "ra"), rb(dir.path(), "rb");
  w1.Configure(dir.path() + "/w1", false, NodeYaml("write", "w1", yaml_a));
  // A backend merging bucket A's index objects every second, during the backup too.
  be.Configure(dir.path() + "/be", false,
               NodeYaml("backend", "be", yaml_a) + "compactor:\n  compaction_interval: 1s\n  retention_delete_delay: 1s\n");
  ra.Configure(dir.path() + "/ra", false, NodeYaml("read", "ra", yaml_a));   // the bucket only
  rb.Configure(dir.path() + "/rb", false, NodeYaml("read", "rb", yaml_b));
  REQUIRE(w1.Start());
  REQUIRE(be.Start());
  REQUIRE(ra.Start());

  const int64_t now = NowNs();
  httplib::Client cli("127.0.0.1", w1.port());
  auto pushed = cli.Post("/loki/api/v1/push", SeveralDaysBody(now), "application/json");
  REQUIRE(pushed);
  REQUIRE(pushed->status == 204);
  const int64_t start = now - kDays * kDay, end = now + 60 * kSec;
  const std::string log_q = R"({job="bak"})";
  const std::string metric_q = R"(sum by (day) (count_over_time({job="bak"} |= "error" [1h])))";
  const size_t total = size_t(kDays) * kStreamsPerDay * kLinesPerStream;
  // Acknowledged data is in the bucket once the read node over A (no write nodes) returns all of it.
  REQUIRE(WaitFor([&] { return Rows(ra.port(), log_q, start, end, "60").size() == total; },
                  std::chrono::milliseconds(60000), std::chrono::milliseconds(300)));
  const auto log_a = Rows(ra.port(), log_q, start, end, "60");
  const auto metric_a = Rows(ra.port(), metric_q, start, end, "3600");
  REQUIRE(metric_a.size() >= size_t(kDays));

  // The backup runs while a pusher keeps adding (and the write node keeps shipping) other data, in
  // bursts with idle gaps so that its chunks are cut and shipped during the test.
  std::atomic<bool> stop{false};
  std::atomic<int> live_acked{0};
  std::thread pusher([&] {
    httplib::Client pc("127.0.0.1", w1.port());
    for (int n = 0; !stop.load(); ++n) {
      std::vector<skald::LogStream> s{MakeStream({{"job", "live"}}, {{NowNs(), fmt::format("live {}", n), {}}})};
      auto r = pc.Post("/loki/api/v1/push", JsonPushBody(s), "application/json");
      if (r && r->status == 204) ++live_acked;
      std::this_thread::sleep_for(std::chrono::milliseconds(n % 20 == 19 ? 1500 : 5));
    }
  });
  const std::string live_q = R"({job="live"})";
  // Some live data is in bucket A before the backup starts: it must be in the backup.
  std::vector<std::string> live_before;
  REQUIRE(WaitFor([&] {
    live_before = Rows(ra.port(), live_q, start, NowNs() + 60 * kSec, "60");
    return !live_before.empty();
  }, std::chrono::milliseconds(30000), std::chrono::milliseconds(300)));
  // Three backups in a row while the pusher, the shipper and the compactor go on; each must check clean.
  const std::string bak = dir.path() + "/bak";
  for (int i = 0; i < 3; ++i) {
    const std::string d = i == 0 ? bak : fmt::format("{}{}", bak, i);
    RunResult backup = Tool({"backup", "-config.file=" + w1.config(), "-to", d});
    INFO(backup.out << backup.err);
    REQUIRE(backup.code == 0);
    CHECK(backup.out.find("backed up s3://") != std::string::npos);
    WARN(backup.out);
    RunResult check = Tool({"check", "-path", d});
    INFO(check.out << check.err);
    CHECK(check.code == 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
  }
  stop = true;
  pusher.join();
  CHECK(live_acked.load() > 50);

  RunResult restore = Tool({"restore", "-config.file=" + rb.config(), "-from", bak});
  INFO(restore.out << restore.err);
  REQUIRE(restore.code == 0);
  RunResult again = Tool({"restore", "-config.file=" + rb.config(), "-from", bak});
  CHECK(again.code == 1);
  CHECK(again.err.find("is not empty") != std::string::npos);

  REQUIRE(rb.Start());
  REQUIRE(WaitFor([&] { return Rows(rb.port(), log_q, start, end, "60").size() == total; },
                  std::chrono::milliseconds(30000), std::chrono::milliseconds(300)));
  CHECK(Rows(rb.port(), log_q, start, end, "60") == log_a);
  CHECK(Rows(rb.port(), metric_q, start, end, "3600") == metric_a);
  // Live data: everything bucket A held before the backup, and nothing that A does not hold.
  const int64_t live_end = NowNs() + 60 * kSec;
  const auto live_a = Rows(ra.port(), live_q, start, live_end, "60");
  const auto live_b = Rows(rb.port(), live_q, start, live_end, "60");
  CHECK(std::includes(live_b.begin(), live_b.end(), live_before.begin(), live_before.end()));
  CHECK(std::includes(live_a.begin(), live_a.end(), live_b.begin(), live_b.end()));
  CHECK(live_b.size() >= live_before.size());
  CHECK(w1.Stop() == 0);
}

TEST_CASE("bucket backup: a flipped byte in a chunk object is refused by check and restore, naming it", "[e2e][s3][backup]") {
  auto& s3 = TestS3Server::Get();
  if (!s3.Available()) return;
  const std::string yaml_a = BucketYaml(s3, s3.NewBucket("skald-bakd-a"));
  TempDir dir("skald-bucket-backup-damaged");
  StoreUnderTest w1(dir.path(), "w1"), fresh(dir.path(), "fresh");
  w1.Configure(dir.path() + "/w1", false, NodeYaml("all", "w1", yaml_a));
  // Restores into a bucket the tool creates (-create-bucket); it must stay empty.
  const std::string fresh_bucket = "skald-bakd-fresh-" + std::to_string(::getpid());
  fresh.Configure(dir.path() + "/fresh", false, NodeYaml("read", "fresh", BucketYaml(s3, fresh_bucket)));
  REQUIRE(w1.Start());
  httplib::Client cli("127.0.0.1", w1.port());
  auto pushed = cli.Post("/loki/api/v1/push", SeveralDaysBody(NowNs()), "application/json");
  REQUIRE(pushed);
  REQUIRE(pushed->status == 204);
  const std::string bak = dir.path() + "/bak";
  REQUIRE(WaitFor([&] {
    std::filesystem::remove_all(bak);
    RunResult r = Tool({"backup", "-config.file=" + w1.config(), "-to", bak});
    return r.code == 0 && r.out.find(" 0 chunk") == std::string::npos;
  }, std::chrono::milliseconds(30000), std::chrono::milliseconds(300)));
  CHECK(w1.Stop() == 0);

  const std::string damaged = FirstChunkObject(bak);
  const std::string key = std::filesystem::relative(damaged, bak + "/objects").generic_string();
  FlipByte(damaged, 100);
  RunResult check = Tool({"check", "-path", bak});
  INFO(check.out << check.err);
  CHECK(check.code == 1);
  CHECK(check.out.find(key + ": damaged") != std::string::npos);

  RunResult restore = Tool({"restore", "-config.file=" + fresh.config(), "-create-bucket", "-from", bak});
  INFO(restore.out << restore.err);
  CHECK(restore.code == 1);
  CHECK(restore.err.find(key) != std::string::npos);
  CHECK(restore.err.find("nothing was uploaded") != std::string::npos);
}
