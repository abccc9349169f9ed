// Bucket restore from a directory backup into directory buckets: byte-identical objects with index
// objects uploaded last; a non-empty destination and a damaged backup are refused before any
// upload. Also the manifest's JSON grammar (round trip and rejections).
#include <catch.hpp>

#include <filesystem>
#include <fstream>

#include "store/backup/bucket_backup.h"
#include "store/backup/bucket_manifest.h"
#include "store/backup/bucket_restore.h"
#include "tests/store/backup/bucket_test_util.h"

using namespace skald;
using namespace skald::testing;

namespace {

// A backup in <t>/bak of a bucket with two index objects, three chunk objects and one delete
// request (deletes/, store/shipper/FORMAT.md: received requests must survive a restore).
void MakeBackup(const TempDir& t) {
  auto src = OpenDirBucket(t / "bucket");
  PutChunkObject(*src, "fake/2026-12-03/w1-1-000001.skc", 1000);
  PutChunkObject(*src, "fake/2026-12-04/w1-2-000002.skc", 2000);
  PutChunkObject(*src, "fake/2026-12-04/w1-3-000003.skc", 3000);
  PutIndexObject(*src, t.path, "index/2026-12-03/w1-1-fake-000001.sqlite", {"fake/2026-12-03/w1-1-000001.skc"});
  PutIndexObject(*src, t.path, "index/2026-12-04/w1-2-fake-000002.sqlite",
                 {"fake/2026-12-04/w1-2-000002.skc", "fake/2026-12-04/w1-3-000003.skc"});
  REQUIRE(src->Put("deletes/fake/0a1b2c3d.json", "{\"version\":1,\"request_id\":\"0a1b2c3d\"}\n").ok());
  REQUIRE(backup::TakeBucketBackup(*src, t / "bak").ok());
}

}  // namespace

TEST_CASE("bucket restore: identical objects, index objects last, verified by listing", "[backup][bucket]") {
  TempDir t;
  MakeBackup(t);
  auto inner = OpenDirBucket(t / "fresh");
  HookedStore dst(inner.get());
  auto r = backup::RestoreBucket(t / "bak", dst);
  REQUIRE(r.ok());
  CHECK(r->objects == 6);
  CHECK(r->index_objects == 2);
  CHECK(r->chunk_objects == 3);   // the sixth is the delete request
  REQUIRE(dst.puts.size() == 6);
  for (size_t i = 0; i < dst.puts.size(); ++i) CHECK((dst.puts[i].rfind("index/", 0) == 0) == (i >= 4));
  auto listed = inner->List("");
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 6);
  CHECK(Slurp(t / "fresh/deletes/fake/0a1b2c3d.json") == Slurp(t / "bucket/deletes/fake/0a1b2c3d.json"));
  for (const auto& o : *listed) CHECK(Slurp(t / ("fresh/" + o.key)) == Slurp(t / ("bucket/" + o.key)));
}

TEST_CASE("bucket restore: a destination holding any object is refused untouched", "[backup][bucket]") {
  TempDir t;
  MakeBackup(t);
  auto dst = OpenDirBucket(t / "used");
  REQUIRE(dst->Put("chunks/other/x.skc", "x").ok());
  auto r = backup::RestoreBucket(t / "bak", *dst);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kInvalidArgument);
  CHECK(r.status().message().find("not empty") != std::string::npos);
  CHECK(dst->List("")->size() == 1);
}

TEST_CASE("bucket restore: a damaged backup is refused naming the object, nothing uploaded", "[backup][bucket]") {
  TempDir t;
  MakeBackup(t);
  const std::string key = "chunks/fake/2026-12-04/w1-2-000002.skc";
  {
    std::fstream f(t / ("bak/objects/" + key), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(1500);
    f.put('\x01');
  }
  auto dst = OpenDirBucket(t / "fresh");
  auto r = backup::RestoreBucket(t / "bak", *dst);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kCorruption);
  CHECK(r.status().message().find(key) != std::string::npos);
  CHECK(dst->List("")->empty());
}

TEST_CASE("bucket manifest: round trip and rejected inputs", "[backup][bucket]") {
  backup::BucketManifest m;
  m.tool_version = "0.1.0";
  m.source = "s3://b\"q";
  m.started_unix_ns = 1764842400000000000LL;
  m.finished_unix_ns = m.started_unix_ns + 5;
  m.objects = {{"chunks/fake/2026-12-04/a.skc", 10, std::string(64, 'a')},
               {"index/2026-12-04/a.sqlite", 20, std::string(64, '0')}};
  const std::string json = backup::EncodeBucketManifest(m);
  auto back = backup::ParseBucketManifest(json);
  REQUIRE(back.ok());
  CHECK(back->source == m.source);
  CHECK(back->finished_unix_ns == m.finished_unix_ns);
  REQUIRE(back->objects.size() == 2);
  CHECK(back->objects[1].key == m.objects[1].key);
  CHECK(back->objects[1].size == 20);

  struct Bad {
    std::string from, to;
  };
  for (const Bad& b : std::vector<Bad>{{"\"version\": 1", "\"version\": 2"},
                                       {"skald-bucket-backup", "something-else"},
                                       {"chunks/fake/2026-12-04/a.skc", "chunks/../../etc/passwd"},
                                       {"chunks/fake/2026-12-04/a.skc", "other/a.skc"},
                                       {std::string(64, 'a'), std::string(63, 'a')},
                                       {"\"size\": 20", "\"size\": -1"},
                                       {"index/2026-12-04/a.sqlite", "chunks/fake/2026-12-04/a.skc"},
                                       {"\n  ]\n}", ""}}) {
    std::string bad = json;
    auto pos = bad.find(b.from);
    REQUIRE(pos != std::string::npos);
    bad.replace(pos, b.from.size(), b.to);
    INFO(bad);
    CHECK_FALSE(backup::ParseBucketManifest(bad).ok());
  }
}
