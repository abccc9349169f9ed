// The bucket path below the HTTP layer, over a directory bucket (FsObjectStore): a write-side
// ingester ships its segments, a read-side ingester syncs the bucket index and reads the same
// entries through the chunk cache, the bucket compactor merges index objects and applies
// retention, and the read side follows (rebuilding the day).
#include <catch.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>

#include "store/objstore/fs_object_store.h"
#include "store/objstore/object_cache.h"
#include "store/retention/retention_policy.h"
#include "store/shipper/bucket_index_sync.h"
#include "store/shipper/bucket_layout.h"
#include "store/shipper/index_compactor.h"
#include "store/shipper/index_file.h"
#include "store/shipper/object_chunk_file.h"
#include "store/shipper/shipper.h"
#include "tests/store/head/head_test_util.h"

using namespace skald;
using namespace skald::testing;

namespace {

const int64_t kSec = 1000000000LL;
const int64_t kDay = 24 * 3600 * kSec;
const LabelSet kApp(std::vector<Label>{{"app", "api"}});
const LabelSet kDb(std::vector<Label>{{"app", "db"}});

struct ReadSide {
  std::unique_ptr<head::Ingester> ing;
  std::unique_ptr<objstore::ObjectCache> cache;
  std::unique_ptr<shipper::BucketIndexSync> sync;
};

ReadSide OpenReadSide(const std::string& dir, std::atomic<int64_t>* clock, objstore::ObjectStore* bucket,
                      metrics::Registry* reg) {
  ReadSide r;
  r.ing = OpenIngester(Options(dir + "/ing", clock));
  objstore::ObjectCacheOptions co;
  co.dir = dir + "/cache";
  auto cache = objstore::ObjectCache::Open(bucket, co, reg);
  REQUIRE(cache.ok());
  r.cache = std::move(*cache);
  r.ing->chunk_files()->SetRemote([c = r.cache.get()](const std::string& rel)
                                      -> Result<std::shared_ptr<const fs::RandomAccessFile>> {
    return shipper::OpenObjectChunkFile(c, rel);
  });
  shipper::BucketIndexSyncOptions so;
  so.index = r.ing->index_db();
  so.bucket = bucket;
  so.cache_dir = dir + "/index-cache";
  so.registry = reg;
  so.on_new_stream = [ing = r.ing.get()](uint64_t id) { return ing->AdoptIndexedStream(id); };
  auto sync = shipper::BucketIndexSync::Open(std::move(so));
  REQUIRE(sync.ok());
  r.sync = std::move(*sync);
  return r;
}

}  // namespace

TEST_CASE("bucket layout: shipped names are unique per node and pass, and keep the day", "[shipper]") {
  std::string n = shipper::ShippedFileName("fake/2026-12-04/000003.skc", "write-1.example", 42);
  CHECK(n == "fake/2026-12-04/write_1_example-42-000003.skc");
  CHECK(shipper::IsShippedFile(n));
  CHECK_FALSE(shipper::IsShippedFile("fake/2026-12-04/000003.skc"));
  CHECK(shipper::DayOfFile(n) == "2026-12-04");
  std::string k = shipper::SegmentIndexKey(n);
  CHECK(k == "index/2026-12-04/write_1_example-42-fake-000003.sqlite");
  CHECK(shipper::DayOfIndexKey(k) == "2026-12-04");
  CHECK_FALSE(shipper::IsCompactedIndexKey(k));
  CHECK(shipper::IsCompactedIndexKey(shipper::CompactedIndexKey("2026-12-04", 7)));
}

TEST_CASE("index file: round trip, and a foreign file is refused", "[shipper]") {
  TempDir d;
  shipper::IndexFileContents c;
  c.node = "w1";
  c.created_ns = 5;
  c.streams.push_back({3, "t|x", 99, kApp});
  c.chunks.push_back({3, chunk::ChunkRef{"t/2026-12-04/w1-5-000001.skc", 16, 100, 1, 2, 3, 4}});
  c.sources = {"index/a.sqlite"};
  REQUIRE(shipper::WriteIndexFile(d.path + "/i.sqlite", c).ok());
  auto r = shipper::ReadIndexFile(d.path + "/i.sqlite");
  REQUIRE(r.ok());
  CHECK(r->node == "w1");
  REQUIRE(r->streams.size() == 1);
  CHECK(r->streams[0].labels == kApp);
  CHECK(r->streams[0].tenant == "t|x");
  REQUIRE(r->chunks.size() == 1);
  CHECK(r->chunks[0].ref.file == "t/2026-12-04/w1-5-000001.skc");
  CHECK(r->chunks[0].ref.length == 100);
  CHECK(r->sources == std::vector<std::string>{"index/a.sqlite"});
  {
    std::FILE* f = std::fopen((d.path + "/junk.sqlite").c_str(), "wb");
    REQUIRE(f != nullptr);
    std::fputs("not sqlite at all, not even close to it.................", f);
    std::fclose(f);
  }
  CHECK_FALSE(shipper::ReadIndexFile(d.path + "/junk.sqlite").ok());
}

TEST_CASE("shipper + index sync + bucket compactor over a directory bucket", "[shipper]") {
  TempDir d;
  metrics::Registry reg;
  auto bucket = objstore::FsObjectStore::Open(d.path + "/bucket");
  REQUIRE(bucket.ok());
  // The wall clock: the compactor compares it with the bucket's object times.
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  std::atomic<int64_t> clock{now};
  auto w = OpenIngester(Options(d.path + "/w", &clock));
  const int64_t old_ts = now - 5 * kDay;
  REQUIRE(PushOne(*w, "t", kApp, {{now - 10, "a1"}, {now - 9, "a2"}}).ok());
  REQUIRE(PushOne(*w, "t", kDb, {{old_ts, "old1"}, {old_ts + 1, "old2"}}).ok());
  REQUIRE(w->FlushAll().ok());

  shipper::ShipperOptions so;
  so.ingester = w.get();
  so.bucket = bucket->get();
  so.node_id = "w1";
  so.scratch_dir = d.path + "/scratch";
  so.now_ns = [&] { return clock.load(); };
  so.registry = &reg;
  auto sh = shipper::Shipper::Open(std::move(so));
  REQUIRE(sh.ok());
  auto st = (*sh)->ShipOnce();
  REQUIRE(st.ok());
  CHECK(st->segments == 2);   // one segment per day
  auto idx = (*bucket)->List("index/");
  REQUIRE(idx.ok());
  CHECK(idx->size() == 2);
  // The write side reads its shipped rows from the bucket through its own cache.
  objstore::ObjectCacheOptions wco;
  wco.dir = d.path + "/wcache";
  auto wcache = objstore::ObjectCache::Open(bucket->get(), wco, &reg);
  REQUIRE(wcache.ok());
  w->chunk_files()->SetRemote([c = wcache->get()](const std::string& rel)
                                  -> Result<std::shared_ptr<const fs::RandomAccessFile>> {
    return shipper::OpenObjectChunkFile(c, rel);
  });
  auto rows = w->index_db()->ChunkRows("");
  REQUIRE(rows.ok());
  const std::vector<index::ChunkRow> shipped_rows = std::move(rows).value();
  for (const auto& row : shipped_rows) CHECK(shipper::IsShippedFile(row.ref.file));
  REQUIRE((*sh)->ShipOnce().ok());   // removes the local copies
  CHECK(Read(*w, "t", kApp, Direction::kForward, now - kDay, now) == Pairs{{now - 10, "a1"}, {now - 9, "a2"}});

  // A second pass over new data adds a third index object; the reader imports it incrementally.
  auto r = OpenReadSide(d.path + "/r", &clock, bucket->get(), &reg);
  REQUIRE(r.sync->SyncOnce().ok());
  CHECK(Read(*r.ing, "t", kApp, Direction::kForward, now - kDay, now) == Pairs{{now - 10, "a1"}, {now - 9, "a2"}});
  CHECK(Read(*r.ing, "t", kDb, Direction::kForward, old_ts - 1, old_ts + 5) == Pairs{{old_ts, "old1"}, {old_ts + 1, "old2"}});
  REQUIRE(PushOne(*w, "t", kApp, {{now - 5, "a3"}}).ok());
  REQUIRE(w->FlushAll().ok());
  REQUIRE((*sh)->ShipOnce().ok());
  auto s2 = r.sync->SyncOnce();
  REQUIRE(s2.ok());
  CHECK(s2->days_rebuilt == 0);
  CHECK(Read(*r.ing, "t", kApp, Direction::kForward, now - kDay, now).size() == 3);

  // Retention 48h: the compactor merges today's two objects, drops the old day's rows and, once
  // the delete delay has passed, its segment object. The reader rebuilds both days.
  auto policy = std::make_shared<const retention::RetentionPolicy>(2 * kDay, std::vector<retention::StreamRule>{},
                                                                   std::vector<retention::StreamRule>{},
                                                                   std::map<std::string, retention::TenantRetention>{});
  shipper::IndexCompactorOptions co;
  co.bucket = bucket->get();
  co.scratch_dir = d.path + "/compactor";
  co.policy = [policy] { return policy; };
  co.delete_delay_ns = 0;
  co.now_ns = [&] { return clock.load() + 10 * kSec; };
  co.registry = &reg;
  auto comp = shipper::IndexCompactor::Open(std::move(co));
  REQUIRE(comp.ok());
  auto cs = (*comp)->RunOnce();
  REQUIRE(cs.ok());
  CHECK(cs->chunks_expired == 1);
  CHECK(cs->chunk_objects_deleted == 1);
  auto idx2 = (*bucket)->List("index/");
  REQUIRE(idx2.ok());
  REQUIRE(idx2->size() == 1);
  CHECK(shipper::IsCompactedIndexKey((*idx2)[0].key));
  auto s3 = r.sync->SyncOnce();
  REQUIRE(s3.ok());
  CHECK(Read(*r.ing, "t", kApp, Direction::kForward, now - kDay, now).size() == 3);
  CHECK(Read(*r.ing, "t", kDb, Direction::kForward, old_ts - 1, old_ts + 5).empty());
  // Its cache keeps only what the bucket still lists: the compacted object.
  const std::string today = shipper::DayOfIndexKey((*idx2)[0].key);
  auto cached = fs::FileSystem::Default()->List(d.path + "/r/index-cache/index/" + today);
  REQUIRE(cached.ok());
  CHECK(cached->size() == 1);
  CHECK_FALSE(fs::FileSystem::Default()->List(d.path + "/r/index-cache/index/" + shipper::DayOfFile("t/" + [&] {
    time_t sec = static_cast<time_t>(old_ts / kSec);
    struct tm tm;
    gmtime_r(&sec, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return std::string(buf);
  }() + "/x")).ok());
  // A fresh reader sees exactly the compacted state.
  auto fresh = OpenReadSide(d.path + "/fresh", &clock, bucket->get(), &reg);
  REQUIRE(fresh.sync->SyncOnce().ok());
  CHECK(Read(*fresh.ing, "t", kApp, Direction::kForward, now - kDay, now) ==
        Read(*r.ing, "t", kApp, Direction::kForward, now - kDay, now));
}

TEST_CASE("index file: a damaged page is an error, never a shorter read", "[shipper]") {
  TempDir d;
  shipper::IndexFileContents c;
  c.node = "w1";
  c.created_ns = 1;
  c.streams.push_back({1, "fake", 42, kApp});
  for (int i = 0; i < 20000; ++i)
    c.chunks.push_back({1, chunk::ChunkRef{"fake/2026-12-04/w1-1-000001.skc", static_cast<uint64_t>(i) * 100, 100, i, i, 1, 1}});
  const std::string path = d.path + "/i.sqlite";
  REQUIRE(shipper::WriteIndexFile(path, c).ok());
  auto whole = shipper::ReadIndexFile(path);
  REQUIRE(whole.ok());
  REQUIRE(whole->chunks.size() == 20000);
  auto size = fs::FileSystem::Default()->FileSize(path);
  REQUIRE(size.ok());
  std::FILE* f = std::fopen(path.c_str(), "r+b");
  REQUIRE(f != nullptr);
  std::fseek(f, static_cast<long>((*size / 2 / 4096) * 4096), SEEK_SET);   // a page of the chunks table
  const std::string junk(4096, '\xff');
  std::fwrite(junk.data(), 1, junk.size(), f);
  std::fclose(f);
  auto damaged = shipper::ReadIndexFile(path);
  INFO((damaged.ok() ? "read " + std::to_string(damaged->chunks.size()) + " rows" : damaged.status().message()));
  CHECK_FALSE(damaged.ok());
}
