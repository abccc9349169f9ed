// The ingester when the disk cannot write: a push is visible only once its WAL record is durable,
// a lost push never is; writes blocked by the WAL, failing flushes or the free-space floor refuse
// pushes (Unavailable) and end on their own; failing flushes keep heads and WAL segments.
#include <catch.hpp>

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "tests/store/head/head_test_util.h"

using namespace skald;
using namespace skald::testing;

namespace {

const int64_t kT0 = 1700000000LL * 1000000000LL;
const LabelSet kApp(std::vector<Label>{{"app", "a"}});

bool WaitUnblocked(head::Ingester& ing, int ms = 5000) {
  for (int i = 0; i < ms / 5; ++i) {
    if (ing.WriteBlockedReason().empty()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

size_t WalSegments(const std::string& dir) {
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir + "/wal")) n += e.path().extension() == ".wal";
  return n;
}

std::set<std::string> Lines(head::Ingester& ing) {
  std::set<std::string> out;
  for (auto& [ts, line] : Read(ing, "t", kApp, Direction::kForward)) out.insert(line);
  return out;
}

}  // namespace

TEST_CASE("disk full: a push is invisible until its WAL record is durable", "[head][faults]") {
  TempDir d;
  FaultyFileSystem ffs;
  auto opts = Options(d.path, nullptr);
  opts.fs = &ffs;
  auto ing = OpenIngester(opts);
  REQUIRE(PushOne(*ing, "t", kApp, {{kT0, "first"}}).ok());
  ffs.hold_sync = true;
  Status st;
  std::thread pusher([&] { st = PushOne(*ing, "t", kApp, {{kT0 + 1, "second"}}); });
  while (ffs.syncs_held == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  CHECK(Read(*ing, "t", kApp, Direction::kForward) == Pairs{{kT0, "first"}});   // fsync in flight
  ffs.hold_sync = false;
  pusher.join();
  REQUIRE(st.ok());
  CHECK(Read(*ing, "t", kApp, Direction::kForward) == Pairs{{kT0, "first"}, {kT0 + 1, "second"}});
}

TEST_CASE("disk full: a lost WAL write is never visible, later pushes are refused, then accepted again",
          "[head][faults]") {
  TempDir d;
  FaultyFileSystem ffs;
  auto opts = Options(d.path, nullptr);
  opts.fs = &ffs;
  opts.wal_retry_initial_ms = 10;
  {
    auto ing = OpenIngester(opts);
    REQUIRE(PushOne(*ing, "t", kApp, {{kT0, "acked"}}).ok());
    ffs.space_budget = 20;   // the next record does not fit
    Status lost = PushOne(*ing, "t", kApp, {{kT0 + 1, "lost: disk full mid-record"}});
    CHECK(lost.code() == Code::kIOError);
    CHECK(lost.message().find("No space left on device") != std::string::npos);
    CHECK(Read(*ing, "t", kApp, Direction::kForward) == Pairs{{kT0, "acked"}});
    CHECK(ing->WriteBlockedReason().find("wal: ") == 0);
    Status refused = PushOne(*ing, "t", kApp, {{kT0 + 2, "refused"}});
    CHECK(refused.code() == Code::kUnavailable);
    CHECK(refused.message().find("retry later") != std::string::npos);
    CHECK(Read(*ing, "t", kApp, Direction::kForward) == Pairs{{kT0, "acked"}});
    ffs.space_budget = -1;   // space freed: the WAL retries on its own
    REQUIRE(WaitUnblocked(*ing));
    REQUIRE(PushOne(*ing, "t", kApp, {{kT0 + 3, "after"}}).ok());
    CHECK(Read(*ing, "t", kApp, Direction::kForward) == Pairs{{kT0, "acked"}, {kT0 + 3, "after"}});
  }   // no Close: a crash
  auto ing = OpenIngester(opts);
  CHECK(ing->stats().replay_problems.empty());
  CHECK(Read(*ing, "t", kApp, Direction::kForward) == Pairs{{kT0, "acked"}, {kT0 + 3, "after"}});
}

TEST_CASE("disk full: concurrent pushes while the disk fills and frees - reads equal what was acknowledged",
          "[head][faults]") {
  TempDir d;
  FaultyFileSystem ffs;
  auto opts = Options(d.path, nullptr);
  opts.fs = &ffs;
  opts.run_flush_loop = true;
  opts.flush_interval_ms = 5;
  opts.wal_retry_initial_ms = 5;
  opts.cfg.wal_segment_size = 16 << 10;
  opts.cfg.chunk_block_size = 2048;
  opts.cfg.chunk_target_size = 8192;
  opts.max_wal_segments = 2;
  std::mutex mu;
  std::set<std::string> acked, inflight;
  {
    auto ing = OpenIngester(opts);
    std::atomic<bool> stop{false};
    std::thread filler([&] {
      for (int round = 0; !stop; ++round) {
        std::this_thread::sleep_for(std::chrono::milliseconds(4));
        ffs.space_budget = round % 3 == 0 ? 0 : round % 3 == 1 ? 150 : -1;   // full, filling, freed
      }
    });
    std::vector<std::thread> pushers;
    for (int p = 0; p < 4; ++p) {
      pushers.emplace_back([&, p] {
        for (int i = 0; i < 150; ++i) {
          std::string line = std::to_string(p) + "-" + std::to_string(i);
          {
            std::lock_guard<std::mutex> lk(mu);
            inflight.insert(line);
          }
          Status st = PushOne(*ing, "t", kApp, {{kT0 + p * 1000 + i, line}});
          std::lock_guard<std::mutex> lk(mu);
          inflight.erase(line);
          if (st.ok()) acked.insert(line);
          else std::this_thread::sleep_for(std::chrono::milliseconds(1));
          if (i % 10 != 0) continue;
          // While the others go on: every acknowledged line is visible, nothing else but in-flight ones.
          std::set<std::string> seen = Lines(*ing), allowed = acked;
          allowed.insert(inflight.begin(), inflight.end());
          CHECK(std::includes(seen.begin(), seen.end(), acked.begin(), acked.end()));
          CHECK(std::includes(allowed.begin(), allowed.end(), seen.begin(), seen.end()));
        }
      });
    }
    for (auto& t : pushers) t.join();
    stop = true;
    filler.join();
    ffs.space_budget = -1;
    CHECK(Lines(*ing) == acked);
    CHECK(acked.size() > 0);
    CHECK(ing->stats().wal.write_failures > 0);
  }
  auto ing = OpenIngester(opts);   // after a crash: exactly the acknowledged lines, once each
  CHECK(Lines(*ing) == acked);
  CHECK(Read(*ing, "t", kApp, Direction::kForward).size() == acked.size());
}

TEST_CASE("disk full: failing flushes keep heads and WAL segments, refuse pushes, and retry",
          "[head][faults]") {
  TempDir d;
  FaultyFileSystem ffs;
  ffs.only_under = "/chunks/";   // the WAL keeps working; chunk files do not
  auto opts = Options(d.path, nullptr);
  opts.fs = &ffs;
  opts.cfg.wal_segment_size = 4096;
  opts.max_wal_segments = 1;
  Pairs all;
  {
    auto ing = OpenIngester(opts);
    for (int i = 0; i < 60; ++i) {
      all.emplace_back(kT0 + i, "line " + std::to_string(i) + std::string(200, 'x'));
      REQUIRE(PushOne(*ing, "t", kApp, {all.back()}).ok());
    }
    const size_t segments = WalSegments(d.path);
    REQUIRE(segments >= 3);
    ffs.fail_append = true;
    CHECK_FALSE(ing->FlushDue().ok());   // wal_checkpoint makes the stream due; its chunk write fails
    CHECK_FALSE(ing->FlushAll().ok());
    CHECK(WalSegments(d.path) == segments);   // nothing removed: the entries are only in the WAL
    CHECK(ing->WriteBlockedReason().find("flush: chunk flush failed") == 0);
    CHECK(PushOne(*ing, "t", kApp, {{kT0 + 100, "refused"}}).code() == Code::kUnavailable);
    CHECK(Read(*ing, "t", kApp, Direction::kForward) == all);
    CHECK(ing->stats().chunks_flushed == 0);
  }   // a crash while flushes fail: the WAL still has everything
  ffs.fail_append = false;
  auto ing = OpenIngester(opts);
  CHECK(Read(*ing, "t", kApp, Direction::kForward) == all);
  ffs.fail_append = true;
  CHECK_FALSE(ing->FlushAll().ok());
  CHECK_FALSE(ing->WriteBlockedReason().empty());
  ffs.fail_append = false;
  REQUIRE(ing->FlushDue().ok());      // the failed stream is due again ("retry") and now flushes
  CHECK(ing->stats().chunks_flushed >= 1);
  CHECK(ing->WriteBlockedReason().empty());
  CHECK(WalSegments(d.path) == 1);    // only the live segment is left
  REQUIRE(PushOne(*ing, "t", kApp, {{kT0 + 100, "accepted again"}}).ok());
  all.emplace_back(kT0 + 100, "accepted again");
  CHECK(Read(*ing, "t", kApp, Direction::kForward) == all);
  ing.reset();
  ing = OpenIngester(opts);           // chunks + the WAL's tail: each entry once
  CHECK(Read(*ing, "t", kApp, Direction::kForward) == all);
}

TEST_CASE("disk full: free space under the floor refuses pushes, flushes go on, pushes resume",
          "[head][faults]") {
  TempDir d;
  FaultyFileSystem ffs;
  ffs.space_total = 10LL << 30;
  ffs.space_available = 5LL << 30;
  auto opts = Options(d.path, nullptr);
  opts.fs = &ffs;
  opts.cfg.min_free_space = "1GB,2%";   // 10 GiB volume: 2 % (about 215 MB) is the smaller
  auto ing = OpenIngester(opts);
  REQUIRE(PushOne(*ing, "t", kApp, {{kT0, "before"}}).ok());
  ffs.space_available = 100 << 20;
  for (int i = 0; i < 400 && ing->WriteBlockedReason().empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));   // seen within the cache's second
  CHECK(ing->WriteBlockedReason().find("disk_space: free disk space under the floor") == 0);
  Status st = PushOne(*ing, "t", kApp, {{kT0 + 1, "refused"}});
  CHECK(st.code() == Code::kUnavailable);
  CHECK(st.message().find("104857600 bytes free, floor 214748365 bytes") != std::string::npos);
  REQUIRE(ing->FlushAll().ok());        // flushes (and maintenance) still run
  CHECK(Read(*ing, "t", kApp, Direction::kForward) == Pairs{{kT0, "before"}});
  ffs.space_available = 300 << 20;
  REQUIRE(WaitUnblocked(*ing));
  REQUIRE(PushOne(*ing, "t", kApp, {{kT0 + 2, "after"}}).ok());
  CHECK(Read(*ing, "t", kApp, Direction::kForward) == Pairs{{kT0, "before"}, {kT0 + 2, "after"}});
}
