// The ingester under injected disk faults and under concurrent pushers, readers and the flush loop.
#include <catch.hpp>

#include <thread>

#include "tests/store/head/head_test_util.h"

using namespace skald;
using namespace skald::testing;

namespace {
const int64_t kT0 = 1700000000LL * 1000000000LL;
}

TEST_CASE("faults: a failed WAL fsync fails the push, and the store refuses to acknowledge after", "[head][faults]") {
  TempDir d;
  FaultyFileSystem ffs;
  auto opts = Options(d.path, nullptr);
  opts.fs = &ffs;
  LabelSet ls(std::vector<Label>{{"app", "a"}});
  {
    auto ing = OpenIngester(opts);
    REQUIRE(PushOne(*ing, "t", ls, {{kT0, "durable"}}).ok());
    ffs.fail_sync = true;
    Status st = PushOne(*ing, "t", ls, {{kT0 + 1, "not acknowledged"}});
    CHECK(st.code() == Code::kIOError);
    ffs.fail_sync = false;
    CHECK_FALSE(PushOne(*ing, "t", ls, {{kT0 + 2, "still refused"}}).ok());
  }
  auto ing = OpenIngester(opts);   // a restart recovers: the acknowledged entry is there
  auto got = Read(*ing, "t", ls, Direction::kForward);
  REQUIRE_FALSE(got.empty());
  CHECK(got.front() == std::make_pair(kT0, std::string("durable")));
  REQUIRE(PushOne(*ing, "t", ls, {{kT0 + 3, "works again"}}).ok());
}

TEST_CASE("faults: a failed chunk write keeps the data in memory and retries", "[head][faults]") {
  TempDir d;
  FaultyFileSystem ffs;
  auto opts = Options(d.path, nullptr);
  opts.fs = &ffs;
  opts.cfg.wal_fsync = "never";    // only chunk files see the injected append failure below
  LabelSet ls(std::vector<Label>{{"app", "a"}});
  auto ing = OpenIngester(opts);
  REQUIRE(PushOne(*ing, "t", ls, {{kT0, "x"}, {kT0 + 1, "y"}}).ok());
  ffs.fail_append = true;
  CHECK_FALSE(ing->FlushAll().ok());
  ffs.fail_append = false;
  CHECK(Read(*ing, "t", ls, Direction::kForward).size() == 2);
  REQUIRE(ing->FlushAll().ok());
  CHECK(ing->stats().chunks_flushed == 1);
  CHECK(Read(*ing, "t", ls, Direction::kForward) == Pairs{{kT0, "x"}, {kT0 + 1, "y"}});
}

TEST_CASE("concurrency: pushers, readers and the flush loop together", "[head][concurrency]") {
  TempDir d;
  auto opts = Options(d.path, nullptr);
  opts.run_flush_loop = true;
  opts.flush_interval_ms = 2;
  opts.memory_budget = 32 << 10;
  opts.cfg.chunk_block_size = 1024;
  auto ing = OpenIngester(opts);
  std::vector<LabelSet> streams;
  for (int i = 0; i < 4; ++i) streams.push_back(LabelSet(std::vector<Label>{{"app", std::to_string(i) + "s"}}));
  std::atomic<bool> done{false};
  std::atomic<int> read_errors{0};
  std::thread reader([&] {
    while (!done) {
      for (const auto& ls : streams) {
        auto got = Read(*ing, "t", ls, Direction::kBackward);
        for (size_t i = 1; i < got.size(); ++i)
          if (got[i - 1].first < got[i].first) read_errors++;
      }
    }
  });
  std::vector<std::thread> pushers;
  for (int p = 0; p < 4; ++p)
    pushers.emplace_back([&, p] {
      for (int i = 0; i < 200; ++i)
        REQUIRE(PushOne(*ing, "t", streams[p], {{kT0 + i, std::to_string(i) + " line"}, {kT0 + i, "twin"}}).ok());
    });
  for (auto& t : pushers) t.join();
  done = true;
  reader.join();
  CHECK(read_errors == 0);
  for (const auto& ls : streams) CHECK(Read(*ing, "t", ls, Direction::kForward).size() == 400);
  REQUIRE(ing->Close().ok());
}
