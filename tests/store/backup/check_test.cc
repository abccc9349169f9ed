// Check on real data dirs: a clean store passes; a flipped byte in a block or a header, a truncated
// file, a missing file and a damaged WAL record are each reported with file, offset and stream.
#include <catch.hpp>

#include "store/backup/check.h"
#include "tests/store/backup/backup_test_util.h"

using namespace skald;
using namespace skald::testing;

namespace {

// A closed store with two streams, each flushed as two chunks (two flushes).
void MakeStore(const std::string& dir) {
  auto ing = OpenIngester(Options(dir, nullptr));
  PushLines(*ing, 2, 0, 300);
  REQUIRE(ing->FlushAll().ok());
  PushLines(*ing, 2, 300, 600);
  REQUIRE(ing->Close().ok());
}

bool Has(const backup::CheckReport& r, const std::string& a, const std::string& b) {
  for (const auto& p : r.problems)
    if (p.find(a) != std::string::npos && p.find(b) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("check: a clean data dir has no problems and counts everything", "[backup][check]") {
  TempDir d;
  MakeStore(d.path);
  auto r = backup::Check(d.path);
  REQUIRE(r.ok());
  INFO(backup::FormatCheckReport(*r));
  CHECK(r->ok());
  CHECK(r->streams == 2);
  CHECK(r->chunks == 4);
  CHECK(r->entries == 1200);
  CHECK(r->blocks >= 4);
  CHECK(backup::FormatCheckReport(*r).rfind("OK: 2 streams, 4 chunks", 0) == 0);
}

TEST_CASE("check: each kind of chunk damage is reported precisely", "[backup][check]") {
  struct Case {
    const char* name;
    std::function<void(const std::string& dir, const IndexedChunk& c)> damage;
    const char* want;
  };
  std::vector<Case> cases = {
      {"flipped byte in a block", [](const std::string& dir, const IndexedChunk& c) {
         FlipByte(dir + "/chunks/" + c.file, c.offset + c.length - 3);
       }, "crc mismatch"},
      {"flipped byte in a header", [](const std::string& dir, const IndexedChunk& c) {
         FlipByte(dir + "/chunks/" + c.file, c.offset + 20);
       }, "header crc mismatch"},
      {"truncated file", [](const std::string& dir, const IndexedChunk& c) {
         std::filesystem::resize_file(dir + "/chunks/" + c.file, c.offset + c.length - 1);
       }, "truncated file"},
      {"missing file", [](const std::string& dir, const IndexedChunk& c) {
         std::filesystem::remove(dir + "/chunks/" + c.file);
       }, "file missing"},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      TempDir d;
      MakeStore(d.path);
      auto chunks = IndexedChunks(d.path);
      REQUIRE(chunks.size() == 4);
      const IndexedChunk& victim = chunks.back();   // the last chunk of the last file
      c.damage(d.path, victim);
      auto r = backup::Check(d.path);
      REQUIRE(r.ok());
      INFO(backup::FormatCheckReport(*r));
      CHECK_FALSE(r->ok());
      std::string where = "chunks/" + victim.file + " offset " + std::to_string(victim.offset);
      CHECK(Has(*r, where, c.want));
      CHECK(Has(*r, where, victim.labels));
    }
  }
}

TEST_CASE("check: a damaged WAL record is reported with its segment and offset", "[backup][check]") {
  TempDir d;
  {
    auto ing = OpenIngester(Options(d.path, nullptr));
    PushLines(*ing, 1, 0, 10);
    PushLines(*ing, 1, 10, 20);
  }   // no Close(): a crash, the entries live only in the WAL
  auto clean = backup::Check(d.path);
  REQUIRE(clean.ok());
  CHECK(clean->ok());
  CHECK(clean->wal_records == 2);
  auto segs = std::filesystem::directory_iterator(d / "wal");
  std::string seg = segs->path().string();
  FlipByte(seg, std::filesystem::file_size(seg) - 2);   // inside the second record's payload
  auto r = backup::Check(d.path);
  REQUIRE(r.ok());
  INFO(backup::FormatCheckReport(*r));
  REQUIRE(r->problems.size() == 1);
  CHECK(r->problems[0].find(seg) == 0);
  CHECK(r->problems[0].find("crc mismatch") != std::string::npos);
  CHECK(r->wal_records == 1);
}

TEST_CASE("check: a path without an index is an error, not a report", "[backup][check]") {
  TempDir d;
  auto r = backup::Check(d.path);
  CHECK(r.status().code() == Code::kNotFound);
}
