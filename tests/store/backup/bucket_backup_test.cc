// Bucket backup over directory buckets: everything is copied with its digest and verified; an index
// row pointing at a missing chunk object fails loudly; index objects the compactor replaces in the
// middle of a backup are left out and their replacement copied; check names each kind of damage.
#include <catch.hpp>

#include <filesystem>
#include <fstream>

#include "store/backup/bucket_backup.h"
#include "store/backup/bucket_check.h"
#include "store/backup/bucket_manifest.h"
#include "common/version.h"
#include "store/backup/object_copy.h"
#include "tests/store/backup/bucket_test_util.h"

using namespace skald;
using namespace skald::testing;
namespace sfs = std::filesystem;

namespace {

const char* kC1 = "fake/2026-12-03/w1-1764760000000000000-000001.skc";
const char* kC2 = "fake/2026-12-04/w1-1764842400000000000-000002.skc";
const char* kOrphan = "fake/2026-12-04/w2-1764842500000000000-000003.skc";  // uploaded, index not yet
const char* kI1 = "index/2026-12-03/w1-1764760000000000000-fake-000001.sqlite";
const char* kI2 = "index/2026-12-04/w1-1764842400000000000-fake-000002.sqlite";

// Two days, one index object each, plus a chunk object whose index object is not uploaded yet.
void FillBucket(objstore::ObjectStore& b, const std::string& scratch) {
  PutChunkObject(b, kC1, 4000);
  PutChunkObject(b, kC2, 5000);
  PutChunkObject(b, kOrphan, 300);
  PutIndexObject(b, scratch, kI1, {kC1});
  PutIndexObject(b, scratch, kI2, {kC2});
}

bool Has(const std::vector<std::string>& problems, const std::string& a, const std::string& b) {
  for (const auto& p : problems)
    if (p.find(a) != std::string::npos && p.find(b) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("bucket backup: every object is copied, listed with size and sha256, and checks clean", "[backup][bucket]") {
  TempDir t;
  auto src = OpenDirBucket(t / "bucket");
  FillBucket(*src, t.path);
  auto r = backup::TakeBucketBackup(*src, t / "bak");
  REQUIRE(r.ok());
  CHECK(r->copy.index_objects == 2);
  CHECK(r->copy.chunk_objects == 3);
  CHECK(r->copy.chunk_rows == 2);
  CHECK(r->copy.rounds == 1);
  auto m = backup::ReadBucketManifest(t / "bak");
  REQUIRE(m.ok());
  CHECK(m->source == src->Describe());
  CHECK(m->tool_version == std::string(kVersion));
  REQUIRE(m->objects.size() == 5);
  for (const auto& o : m->objects) {
    const std::string copy = t / ("bak/objects/" + o.key);
    CHECK(Slurp(copy) == Slurp(t / ("bucket/" + o.key)));
    std::string sha;
    uint64_t size = 0;
    REQUIRE(backup::Sha256File(copy, &sha, &size).ok());
    CHECK(sha == o.sha256);
    CHECK(size == o.size);
  }
  CHECK_FALSE(sfs::exists(t / "bak/.scratch"));
  auto c = backup::CheckBucketBackup(t / "bak");
  REQUIRE(c.ok());
  INFO(backup::FormatBucketCheckReport(*c));
  CHECK(c->ok());
  CHECK(c->chunk_rows == 2);
}

TEST_CASE("bucket backup: an index row pointing at a missing chunk object fails and leaves nothing", "[backup][bucket]") {
  TempDir t;
  auto src = OpenDirBucket(t / "bucket");
  FillBucket(*src, t.path);
  REQUIRE(src->Delete(std::string("chunks/") + kC2).ok());
  auto r = backup::TakeBucketBackup(*src, t / "bak");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kCorruption);
  CHECK(r.status().message().find(kI2) != std::string::npos);
  CHECK(r.status().message().find(std::string("chunks/") + kC2) != std::string::npos);
  CHECK_FALSE(sfs::exists(t / "bak"));
}

TEST_CASE("bucket backup: a non-empty target directory is refused", "[backup][bucket]") {
  TempDir t;
  auto src = OpenDirBucket(t / "bucket");
  FillBucket(*src, t.path);
  sfs::create_directories(t / "bak");
  std::ofstream(t / "bak/keep") << "x";
  auto r = backup::TakeBucketBackup(*src, t / "bak");
  REQUIRE_FALSE(r.ok());
  CHECK(sfs::exists(t / "bak/keep"));
}

TEST_CASE("bucket backup: index objects compacted away mid-backup are replaced by the compacted one", "[backup][bucket]") {
  TempDir t;
  auto inner = OpenDirBucket(t / "bucket");
  FillBucket(*inner, t.path);
  HookedStore src(inner.get());
  bool compacted = false;
  // When the backup reaches the second index object, the compactor merges both days' objects...
  // (one day each here, so: day 2's object is replaced, day 1's rows expire and its chunk goes).
  src.before_get = [&](const std::string& key) {
    if (key != kI2 || compacted) return;
    compacted = true;
    PutIndexObject(*inner, t.path, "index/2026-12-04/compacted-1764850000000000000.sqlite", {kC2}, {kI2});
    REQUIRE(inner->Delete(kI2).ok());
    REQUIRE(inner->Delete(kI1).ok());
    REQUIRE(inner->Delete(std::string("chunks/") + kC1).ok());
  };
  auto r = backup::TakeBucketBackup(src, t / "bak", 1);   // one at a time: the hook REQUIREs
  REQUIRE(r.ok());
  CHECK(compacted);
  CHECK(r->copy.rounds == 2);
  std::vector<std::string> keys;
  for (const auto& o : r->copy.objects) keys.push_back(o.key);
  CHECK(keys == std::vector<std::string>{std::string("chunks/") + kC2, std::string("chunks/") + kOrphan,
                                         "index/2026-12-04/compacted-1764850000000000000.sqlite"});
  CHECK_FALSE(sfs::exists(t / (std::string("bak/objects/") + kI1)));
  auto c = backup::CheckBucketBackup(t / "bak");
  REQUIRE(c.ok());
  CHECK(c->ok());
}

TEST_CASE("bucket check: damage, loss, strays and dangling index rows are each named", "[backup][bucket]") {
  TempDir t;
  auto src = OpenDirBucket(t / "bucket");
  FillBucket(*src, t.path);
  REQUIRE(backup::TakeBucketBackup(*src, t / "bak").ok());
  const std::string c1 = std::string("chunks/") + kC1, c2 = std::string("chunks/") + kC2;
  SECTION("a flipped byte in a chunk object") {
    std::fstream f(t / ("bak/objects/" + c1), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(10);
    f.put('\x7f');
    f.close();
    auto r = backup::CheckBucketBackup(t / "bak");
    REQUIRE(r.ok());
    CHECK(Has(r->problems, c1, "damaged"));
    CHECK(r->problems.size() == 1);
  }
  SECTION("a missing chunk object") {
    sfs::remove(t / ("bak/objects/" + c2));
    auto r = backup::CheckBucketBackup(t / "bak");
    REQUIRE(r.ok());
    CHECK(Has(r->problems, c2, "missing"));
  }
  SECTION("an object the manifest does not list") {
    std::ofstream(t / "bak/objects/chunks/stray.skc") << "x";
    auto r = backup::CheckBucketBackup(t / "bak");
    REQUIRE(r.ok());
    CHECK(Has(r->problems, "chunks/stray.skc", "not in the manifest"));
  }
  SECTION("an index row whose chunk object is not in the backup at all") {
    auto m = backup::ReadBucketManifest(t / "bak");
    REQUIRE(m.ok());
    std::erase_if(m->objects, [&](const backup::BucketObject& o) { return o.key == c2; });
    REQUIRE(backup::WriteBucketManifest(t / "bak", *m).ok());
    sfs::remove(t / ("bak/objects/" + c2));
    auto r = backup::CheckBucketBackup(t / "bak");
    REQUIRE(r.ok());
    CHECK(Has(r->problems, kI2, "references " + c2));
  }
  SECTION("no manifest: not a (complete) bucket backup") {
    sfs::remove(t / "bak/MANIFEST.json");
    CHECK(backup::CheckBucketBackup(t / "bak").status().code() == Code::kNotFound);
  }
}
