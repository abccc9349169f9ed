// The real skald-store under kill -9: a pusher records every push answered 204 while the store is
// SIGKILLed at random moments and restarted; afterwards every acknowledged line is queryable, once.
#include <catch.hpp>
#include <httplib.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <chrono>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/store_under_test.h"

using namespace skald::e2e;

namespace {

// Pushes batches of 20 lines `id=<n>` to two streams until stopped; returns acknowledged ids.
void PushLoop(int port, int64_t base_ns, std::atomic<bool>& stop, std::atomic<int>& next_id,
              std::set<int>& acked, std::mutex& mu) {
  httplib::Client cli("127.0.0.1", port);
  cli.set_connection_timeout(0, 200000);
  cli.set_read_timeout(5, 0);
  while (!stop.load()) {
    std::vector<int> ids;
    const std::string body = IdBatchBody("crash", 10, "", base_ns, next_id, &ids);
    if (!PushAcked(cli, body, ids, &acked, &mu)) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::map<int, int> QueryAll(int port, int64_t base_ns, int max_id) {
  httplib::Client cli("127.0.0.1", port);
  cli.set_read_timeout(30, 0);
  return SeenIds(cli, R"({job="crash"})", base_ns, base_ns + max_id + 1);
}

}  // namespace

TEST_CASE("store crash loop: every acknowledged push survives kill -9, exactly once", "[e2e][crash]") {
  TempDir dir("skald-crash");
  StoreUnderTest store(dir.path());
  const int port = store.port();
  store.Configure(dir.path() + "/data", false);
  const int64_t base_ns = NowNs() - 60'000'000'000LL;

  std::mt19937 rng(42);
  std::set<int> acked;
  std::mutex mu;
  std::atomic<int> next_id{0};
  for (int round = 0; round < 5; ++round) {
    REQUIRE(store.Start());
    std::atomic<bool> stop{false};
    std::thread pusher(PushLoop, port, base_ns, std::ref(stop), std::ref(next_id), std::ref(acked),
                       std::ref(mu));
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + rng() % 500));
    store.Kill(SIGKILL);
    store.Wait();
    stop = true;
    pusher.join();
  }
  REQUIRE(acked.size() > 100);  // the loop really pushed

  REQUIRE(store.Start());
  std::map<int, int> seen = QueryAll(port, base_ns, next_id.load());
  const IdLoss loss = CompareIds(acked, seen);
  INFO("acked " << acked.size() << " seen " << seen.size());
  CHECK(loss.missing == 0);
  CHECK(loss.dups == 0);

  // A graceful stop flushes heads to chunks; the data comes back from chunk files.
  CHECK(store.Stop() == 0);
  REQUIRE(store.Start());
  std::map<int, int> after = QueryAll(port, base_ns, next_id.load());
  CHECK(after == seen);
}

// A graceful stop flushes everything and removes the WAL; the next run's records must still sort
// after the flush watermarks the index kept, or a crash in that run replays nothing of them.
TEST_CASE("store crash after a graceful restart: pushes of the new run survive kill -9", "[e2e][crash]") {
  TempDir dir("skald-crash-restart");
  StoreUnderTest store(dir.path());
  store.Configure(dir.path() + "/data", false);
  const int64_t base_ns = NowNs() - 60'000'000'000LL;
  std::set<int> acked;
  std::mutex mu;
  std::atomic<int> next_id{0};
  auto push = [&](int batches) {
    httplib::Client cli(store.url());
    for (int i = 0; i < batches; ++i) {
      std::vector<int> ids;
      REQUIRE(PushAcked(cli, IdBatchBody("crash", 50, "", base_ns, next_id, &ids), ids, &acked, &mu));
    }
  };
  REQUIRE(store.Start());
  push(40);
  REQUIRE(store.Stop() == 0);
  REQUIRE(store.Start());
  push(3);   // fewer bytes than the first run wrote: its WAL positions would be below the watermarks
  store.Kill(SIGKILL);
  store.Wait();
  REQUIRE(store.Start());
  const IdLoss loss = CompareIds(acked, QueryAll(store.port(), base_ns, next_id.load()));
  CHECK(loss.missing == 0);
  CHECK(loss.dups == 0);
  CHECK(store.Stop() == 0);
}
