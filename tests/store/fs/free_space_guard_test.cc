// The free-space floor: its syntax, the smaller-of rule, and a guard that reads statvfs only when a
// second has passed or a quarter of the floor was written, never per call.
#include <catch.hpp>

#include <thread>

#include "store/fs/free_space_guard.h"
#include "tests/store/wal/temp_dir.h"

using namespace skald;
using skald::testing::FaultyFileSystem;
using skald::testing::TempDir;

TEST_CASE("free space floor: sizes, shares, both, off", "[fs]") {
  struct Case {
    const char* text;
    int64_t bytes;
    double percent;
  };
  for (const Case& c : {Case{"256MB", 256000000, 0}, Case{"2%", 0, 2}, Case{"256MB,2%", 256000000, 2},
                        Case{" 2.5% , 1MiB ", 1 << 20, 2.5}, Case{"0", 0, 0}, Case{"0,0%", 0, 0}}) {
    INFO(c.text);
    auto f = fs::ParseFreeSpaceFloor(c.text);
    REQUIRE(f.ok());
    CHECK(f->bytes == c.bytes);
    CHECK(f->percent == c.percent);
  }
  for (const char* bad : {"", "lots", "101%", "-1%", "%", "1MB,2MB", "1%,2%", "1MB,2%,3"}) {
    INFO(bad);
    CHECK_FALSE(fs::ParseFreeSpaceFloor(bad).ok());
  }
  auto f = *fs::ParseFreeSpaceFloor("256MB,2%");
  CHECK(f.For(100'000'000'000ULL) == 256'000'000ULL);   // 100 GB volume: the size is smaller
  CHECK(f.For(1'000'000'000ULL) == 20'000'000ULL);      // 1 GB volume: 2 % is smaller
  CHECK(fs::ParseFreeSpaceFloor("2%")->For(1000) == 20);
  CHECK(fs::ParseFreeSpaceFloor("1MB")->For(1000) == 1000000);
  CHECK(fs::ParseFreeSpaceFloor("0")->disabled());
  CHECK(fs::ParseFreeSpaceFloor("0")->For(1000) == 0);
}

TEST_CASE("free space guard: low under the floor, statvfs cached between refreshes", "[fs]") {
  TempDir d;
  FaultyFileSystem ffs;
  ffs.space_total = 1LL << 30;
  ffs.space_available = 100 << 20;
  fs::FreeSpaceGuard g(&ffs, {d.path}, *fs::ParseFreeSpaceFloor("10MB"), 50);
  CHECK_FALSE(g.low());
  CHECK(g.Reason().empty());
  const int after_open = ffs.space_calls;
  CHECK(after_open == 1);
  for (int i = 0; i < 1000; ++i) g.Note(100);   // 100 KB < a quarter of the floor
  CHECK(ffs.space_calls == after_open);
  ffs.space_available = 5 << 20;
  CHECK_FALSE(g.low());                          // not seen yet: cached
  g.Note(3 << 20);                               // a quarter of the floor written: re-read
  CHECK(ffs.space_calls == after_open + 1);
  CHECK(g.low());
  CHECK(g.Reason().find("5242880 bytes free, floor 10000000 bytes") != std::string::npos);
  CHECK(g.Reason().find(d.path) != std::string::npos);
  ffs.space_available = 100 << 20;
  g.Note(0);
  CHECK(g.low());                                // still cached
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  g.Note(0);                                     // the interval passed: re-read
  CHECK_FALSE(g.low());
  CHECK(g.Reason().empty());
}

TEST_CASE("free space guard: a share of the volume, several dirs, and off", "[fs]") {
  TempDir d;
  FaultyFileSystem ffs;
  ffs.space_total = 1000000;
  ffs.space_available = 30000;
  CHECK_FALSE(fs::FreeSpaceGuard(&ffs, {d.path, d / "missing"}, *fs::ParseFreeSpaceFloor("2%")).low());
  ffs.space_available = 19999;
  CHECK(fs::FreeSpaceGuard(&ffs, {d.path}, *fs::ParseFreeSpaceFloor("2%")).low());
  CHECK_FALSE(fs::FreeSpaceGuard(&ffs, {d.path}, *fs::ParseFreeSpaceFloor("10000,2%")).low());
  const int before = ffs.space_calls;
  fs::FreeSpaceGuard off(&ffs, {d.path}, *fs::ParseFreeSpaceFloor("0"));
  off.Note(1LL << 40);
  CHECK_FALSE(off.low());
  CHECK(ffs.space_calls == before);
}

TEST_CASE("free space: the real statvfs sees the temp dir's volume", "[fs]") {
  TempDir d;
  auto sp = fs::FileSystem::Default()->Space(d.path);
  REQUIRE(sp.ok());
  CHECK(sp->total > 0);
  CHECK(sp->available <= sp->total);
  CHECK(fs::FileSystem::Default()->Space(d / "missing").status().code() == Code::kNotFound);
}
