// The real skald-store on a 24 MB tmpfs pushed until it refuses: at every check a query counts
// exactly the lines acknowledged with 204, /ready says 503 while full, pushes resume without a
// restart once a filler file is deleted, and kill -9 + restart keeps exactly the acknowledged lines.
#include <catch.hpp>
#include <httplib.h>
#include <simdjson.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/store_under_test.h"

using namespace skald::e2e;

namespace {

const std::string kQuery = R"(sum(count_over_time({job="diskfull"}[3h])))";
// Compressible, as real logs are: chunk flushes fit where the WAL did not.
const std::string kPad = " level=info msg=\"request served\" path=/api/v1/items status=200 bytes=5120 "
                         "user_agent=\"Mozilla/5.0 (X11; Linux x86_64)\" duration_ms=12";

// A tmpfs of `size` mounted on `dir` for the test's lifetime (needs root).
class Tmpfs {
 public:
  Tmpfs(const std::string& dir, const std::string& size) : dir_(dir) {
    std::filesystem::create_directories(dir);
    mounted_ = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
    if (!mounted_) error_ = std::strerror(errno);
  }
  ~Tmpfs() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }

 private:
  std::string dir_, error_;
  bool mounted_ = false;
};

// The store, a client and the ids it acknowledged; pushes come from one thread, so between pushes
// the acknowledged count is exact.
struct Rig {
  StoreUnderTest& store;
  int64_t base_ns;
  httplib::Client cli;
  std::atomic<int> next_id{0};
  std::set<int> acked;
  std::mutex mu;
  std::map<int, int> refusals;   // HTTP status -> count

  Rig(StoreUnderTest& s, int64_t base) : store(s), base_ns(base), cli("127.0.0.1", s.port()) {
    cli.set_connection_timeout(2, 0);
    cli.set_read_timeout(30, 0);
  }

  // One push of 2 x 50 lines; the HTTP status (0 when there was no answer).
  int Push() {
    std::vector<int> ids;
    const std::string body = IdBatchBody("diskfull", 50, kPad, base_ns, next_id, &ids);
    auto res = cli.Post("/loki/api/v1/push", body, "application/json");
    if (!res) return 0;
    if (res->status == 204) {
      std::lock_guard<std::mutex> l(mu);
      acked.insert(ids.begin(), ids.end());
    } else {
      refusals[res->status]++;
      INFO(res->body);
      CHECK(res->status == 503);                  // retryable, never 500
      CHECK(res->body.find("retry") != std::string::npos);
    }
    return res->status;
  }

  // What a metric query counts right now.
  int64_t Count() {
    auto res = cli.Get("/loki/api/v1/query", httplib::Params{{"query", kQuery},
                                                            {"time", std::to_string(NowNs() + 60'000'000'000LL)}},
                       httplib::Headers{});
    REQUIRE(res);
    INFO(res->body.substr(0, 300));
    REQUIRE(res->status == 200);
    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.parse(res->body);
    simdjson::dom::array result = doc["data"]["result"].get_array();
    if (result.size() == 0) return 0;
    return std::stoll(std::string((*result.begin())["value"].at(1).get_string().value()));
  }

  void CheckCountEqualsAcked(const char* when) {
    INFO(when);
    CHECK(Count() == static_cast<int64_t>(acked.size()));
  }

  std::pair<int, std::string> Get(const std::string& path) {
    auto res = cli.Get(path);
    return res ? std::make_pair(res->status, res->body) : std::make_pair(0, std::string());
  }

  // Every id a log query returns, paged forward as logcli does.
  std::map<int, int> SeenIds() {
    return skald::e2e::SeenIds(cli, R"({job="diskfull"})", base_ns, base_ns + next_id.load() + 1);
  }
};

void WriteFiller(const std::string& path, size_t bytes) {
  std::string chunk(1 << 20, 'f');
  std::string data;
  for (size_t i = 0; i < bytes / chunk.size(); ++i) data += chunk;
  WriteFile(path, data);
}

// Fills the store until it refuses, checks the count and readiness while full, frees the filler,
// waits for pushes to resume, then kills -9 and restarts: exactly the acknowledged ids remain.
void FillFreeAndRestart(const std::string& extra_yaml, const std::string& blocked_reason) {
  if (geteuid() != 0) {
    WARN("SKIPPED: mounting a tmpfs needs root (CI runs the e2e tests as root)");
    return;
  }
  TempDir dir("skald-diskfull");
  Tmpfs vol(dir.path() + "/vol", "24m");
  if (!vol.mounted()) {
    WARN("SKIPPED: mount -t tmpfs failed: " << vol.error());
    return;
  }
  WriteFiller(dir.path() + "/vol/filler", 6 << 20);
  StoreUnderTest store(dir.path());
  store.Configure(dir.path() + "/vol/data", false,
                  "limits_config:\n  ingestion_rate_mb: 1000\n  ingestion_burst_size_mb: 1000\n"
                  "  per_stream_rate_limit: 1000MB\n  per_stream_rate_limit_burst: 1000MB\n" + extra_yaml);
  REQUIRE(store.Start());
  Rig rig(store, NowNs() - 600'000'000'000LL);

  int pushes = 0, status = 204;
  for (; pushes < 5000 && (status = rig.Push()) == 204; ++pushes)
    if (pushes % 100 == 0) rig.CheckCountEqualsAcked("while filling");
  INFO("store log: " << store.log());
  REQUIRE(status == 503);
  REQUIRE(rig.acked.size() > 10000);   // a good part of the volume was used first
  rig.CheckCountEqualsAcked("at the first refusal");

  auto ready = rig.Get("/ready");
  CHECK(ready.first == 503);
  CHECK(ready.second.find("Not ready") != std::string::npos);
  CHECK(ready.second.find(blocked_reason) != std::string::npos);
  CHECK(rig.Get("/metrics").second.find("skald_store_write_blocked{reason=\"" + blocked_reason + "\"} 1") !=
        std::string::npos);
  for (int i = 0; i < 5; ++i) CHECK(rig.Push() == 503);
  rig.CheckCountEqualsAcked("while full");

  std::filesystem::remove(dir.path() + "/vol/filler");
  const auto freed = std::chrono::steady_clock::now();
  while (rig.Push() != 204 && std::chrono::steady_clock::now() - freed < std::chrono::seconds(30))
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(std::chrono::steady_clock::now() - freed < std::chrono::seconds(30));
  rig.CheckCountEqualsAcked("after space was freed");
  for (int i = 0; i < 10; ++i) CHECK(rig.Push() == 204);
  CHECK(rig.Get("/ready").first == 200);
  rig.CheckCountEqualsAcked("accepting again");

  store.Kill(SIGKILL);
  store.Wait();
  REQUIRE(store.Start(60000));
  rig.CheckCountEqualsAcked("after kill -9 and restart");
  const std::map<int, int> seen = rig.SeenIds();
  const IdLoss loss = CompareIds(rig.acked, seen);
  CHECK(loss.missing == 0);
  CHECK(loss.dups == 0);
  CHECK(seen.size() == rig.acked.size());   // and nothing that was refused
  store.Stop();
}

}  // namespace

TEST_CASE("disk full: the free-space floor refuses pushes before ENOSPC, counts stay exact, no restart needed",
          "[e2e][disk_full]") {
  FillFreeAndRestart("", "disk_space");   // the default floor: min(256MB, 2 %) = 2 % of 24 MB here
}

TEST_CASE("disk full: real ENOSPC in the WAL loses only unacknowledged pushes and recovers on its own",
          "[e2e][disk_full]") {
  FillFreeAndRestart("ingester:\n  min_free_space: 0\n", "wal");
}
