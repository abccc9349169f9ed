// Crash recovery: an ingester destroyed without Close (and a child process killed with SIGKILL
// mid-push) loses no acknowledged entry and duplicates none; torn WAL tails; the WAL stays bounded.
#include <catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "store/wal/wal_format.h"
#include "store/wal/wal_reader.h"
#include "tests/store/head/head_test_util.h"

using namespace skald;
using namespace skald::testing;

namespace {
const int64_t kT0 = 1700000000LL * 1000000000LL;
const LabelSet kA(std::vector<Label>{{"app", "a"}}), kB(std::vector<Label>{{"app", "b"}});

Pairs Batch(int from, int n) {
  Pairs p;
  for (int i = from; i < from + n; ++i) p.emplace_back(kT0 + i, "entry " + std::to_string(i) + " payload payload");
  return p;
}

size_t WalSegments(const std::string& dir) {
  auto s = wal::ListSegments(fs::FileSystem::Default(), dir + "/wal");
  return s.ok() ? s->size() : 0;
}
}  // namespace

TEST_CASE("recovery: unflushed and partly flushed data survive a crash exactly once", "[head][recovery]") {
  TempDir d;
  auto opts = Options(d.path, nullptr);
  opts.cfg.chunk_block_size = 512;
  {
    auto ing = OpenIngester(opts);
    REQUIRE(PushOne(*ing, "t", kA, Batch(0, 100)).ok());
    REQUIRE(PushOne(*ing, "t", kB, Batch(0, 10)).ok());
    REQUIRE(ing->FlushAll().ok());                 // a's first 100 and b's 10 are in chunks
    REQUIRE(PushOne(*ing, "t", kA, Batch(100, 50)).ok());
    REQUIRE(PushOne(*ing, "t", kA, Batch(50, 10)).ok());   // exact duplicates of flushed entries
  }                                                  // no Close(): a crash as far as the disk knows
  for (int round = 0; round < 2; ++round) {
    INFO("round " << round);
    auto ing = OpenIngester(opts);
    CHECK(ing->stats().replayed_entries > 0);
    CHECK(Read(*ing, "t", kA, Direction::kForward) == Batch(0, 150));
    CHECK(Read(*ing, "t", kB, Direction::kBackward) == [] { auto b = Batch(0, 10); std::reverse(b.begin(), b.end()); return b; }());
  }
}

TEST_CASE("recovery: a torn WAL tail is reported and start-up continues", "[head][recovery]") {
  TempDir d;
  auto opts = Options(d.path, nullptr);
  {
    auto ing = OpenIngester(opts);
    for (int i = 0; i < 5; ++i) REQUIRE(PushOne(*ing, "t", kA, Batch(i * 10, 10)).ok());
  }
  auto segs = wal::ListSegments(fs::FileSystem::Default(), d.path + "/wal");
  REQUIRE(segs.ok());
  std::string seg = wal::SegmentPath(d.path + "/wal", segs->back());
  std::filesystem::resize_file(seg, std::filesystem::file_size(seg) - 7);
  auto ing = OpenIngester(opts);
  auto st = ing->stats();
  REQUIRE(st.replay_problems.size() == 1);
  CHECK(st.replay_problems[0].find("torn record") != std::string::npos);
  CHECK(Read(*ing, "t", kA, Direction::kForward) == Batch(0, 40));
  REQUIRE(PushOne(*ing, "t", kA, Batch(40, 10)).ok());
  CHECK(Read(*ing, "t", kA, Direction::kForward) == Batch(0, 50));
}

TEST_CASE("recovery: SIGKILL mid-push loses nothing acknowledged", "[head][recovery]") {
  for (int delay_acks : {3, 40}) {
    INFO("kill after " << delay_acks << " acks");
    TempDir d;
    auto opts = Options(d.path, nullptr);
    opts.cfg.chunk_block_size = 2048;
    opts.cfg.chunk_target_size = 4096;
    opts.cfg.wal_segment_size = 32 << 10;
    opts.run_flush_loop = true;
    opts.flush_interval_ms = 5;
    opts.memory_budget = 16 << 10;
    opts.max_wal_segments = 2;
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::close(fds[0]);
      auto r = head::Ingester::Open(opts);
      if (!r.ok()) ::_exit(2);
      for (int i = 0;; ++i) {
        if (!PushOne(**r, "t", i % 2 ? kA : kB, Batch(i * 20, 20)).ok()) ::_exit(3);
        if (::write(fds[1], &i, sizeof i) != sizeof i) ::_exit(4);
      }
    }
    ::close(fds[1]);
    int acked = -1, v;
    while (acked + 1 < delay_acks && ::read(fds[0], &v, sizeof v) == sizeof v) acked = v;
    ::kill(pid, SIGKILL);
    while (::read(fds[0], &v, sizeof v) == sizeof v) acked = v;   // acks written before the kill
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    REQUIRE(WIFSIGNALED(status));
    opts.run_flush_loop = false;
    auto ing = OpenIngester(opts);
    Pairs a = Read(*ing, "t", kA, Direction::kForward), b = Read(*ing, "t", kB, Direction::kForward);
    std::set<std::pair<int64_t, std::string>> got(a.begin(), a.end());
    got.insert(b.begin(), b.end());
    CHECK(got.size() == a.size() + b.size());     // no duplicates
    for (int i = 0; i <= acked; ++i)
      for (auto& e : Batch(i * 20, 20)) REQUIRE(got.count(e) == 1);
  }
}

TEST_CASE("recovery: the WAL stays bounded as heads are flushed", "[head][wal]") {
  TempDir d;
  std::atomic<int64_t> clock{kT0};
  auto opts = Options(d.path, &clock);
  opts.cfg.wal_segment_size = 16 << 10;
  opts.max_wal_segments = 2;
  auto ing = OpenIngester(opts);
  size_t most = 0;
  for (int i = 0; i < 600; ++i) {
    REQUIRE(PushOne(*ing, "t", i % 3 ? kA : kB, Batch(i * 10, 10)).ok());
    if (i % 10 == 9) REQUIRE(ing->FlushDue().ok());
    most = std::max(most, WalSegments(d.path));
  }
  CHECK(ing->stats().wal.segments_removed >= 8);
  CHECK(most <= 5);
  REQUIRE(ing->FlushAll().ok());
  // Everything is in chunks: the segment being written held only flushed records, so it went too.
  CHECK(WalSegments(d.path) == 0);
  CHECK(Read(*ing, "t", kA, Direction::kForward).size() + Read(*ing, "t", kB, Direction::kForward).size() == 6000);
  // The next record starts the next segment, and a crash after it keeps it.
  PushResult pr;
  REQUIRE(PushOne(*ing, "t", kB, Batch(6000, 10), &pr).ok());
  INFO("accepted " << pr.accepted << " dup " << pr.duplicates << " rejected " << pr.rejected.size());
  for (auto& e : std::filesystem::directory_iterator(d.path + "/wal")) WARN(e.path().string());
  CHECK(WalSegments(d.path) == 1);
  REQUIRE(ing->FlushDue().ok());                // b is unflushed: nothing to roll or remove
  CHECK(WalSegments(d.path) == 1);
  ing.reset();                                   // no Close(): a crash as far as the disk knows
  ing = OpenIngester(opts);
  CHECK(Read(*ing, "t", kA, Direction::kForward).size() + Read(*ing, "t", kB, Direction::kForward).size() == 6010);
}
