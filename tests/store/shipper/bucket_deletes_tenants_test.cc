// Delete requests on a bucket with several tenants: a request deletes only its own tenant's lines,
// ids are unique per tenant only, bad requests are never marked, fresh objects hold back only theirs.
#include <catch.hpp>

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "store/compactor/chunk_rewrite.h"
#include "store/objstore/fs_object_store.h"
#include "store/objstore/object_cache.h"
#include "store/shipper/bucket_deletes.h"
#include "store/shipper/bucket_layout.h"
#include "store/shipper/index_compactor.h"
#include "store/shipper/index_file.h"
#include "store/shipper/local_index_moves.h"
#include "store/shipper/object_chunk_file.h"
#include "store/shipper/shipper.h"
#include "tests/store/head/head_test_util.h"
#include "tests/store/shipper/bucket_deletes_test_util.h"

using namespace skald;
using namespace skald::testing;

namespace {

const int64_t kSec = kBucketDeleteSec;
const LabelSet kApp(std::vector<Label>{{"app", "api"}});

// Every line the bucket's index objects point at for `tenant`, read from the chunk objects.
std::vector<std::string> BucketLines(objstore::ObjectStore* b, const chunk::ChunkFiles& files, const std::string& dir,
                                     const std::string& tenant) {
  std::vector<std::string> out;
  auto idx = b->List("index/");
  REQUIRE(idx.ok());
  for (const auto& obj : *idx) {
    REQUIRE(b->GetFile(obj.key, dir + "/x.sqlite").ok());
    auto c = shipper::ReadIndexFile(dir + "/x.sqlite");
    REQUIRE(c.ok());
    std::map<uint64_t, std::string> tenant_of;
    for (const auto& st : c->streams) tenant_of[st.id] = st.tenant;
    for (const auto& ch : c->chunks) {
      if (tenant_of[ch.stream_id] != tenant) continue;
      std::vector<compactor::OwnedEntry> es;
      REQUIRE(compactor::ReadEntries(files, ch.ref, &es).ok());
      for (auto& e : es) out.push_back(e.line);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("bucket deletes: a tenant's request leaves another tenant's same-labelled lines alone", "[shipper]") {
  TempDir d;
  metrics::Registry reg;
  auto bucket = objstore::FsObjectStore::Open(d.path + "/bucket");
  REQUIRE(bucket.ok());
  objstore::ObjectStore* b = bucket->get();
  const int64_t now = WallNs();
  std::atomic<int64_t> clock{now};
  auto w = OpenIngester(Options(d.path + "/w", &clock));
  const int64_t t0 = now - 3600 * kSec;
  for (const char* tenant : {"a", "b"})
    REQUIRE(PushOne(*w, tenant, kApp, {{t0, "keep 1"}, {t0 + 1, "secret 2"}, {t0 + 2, "keep 3"}}).ok());
  REQUIRE(w->FlushAll().ok());
  auto sh = OpenTestShipper(w.get(), b, d.path + "/scratch", &reg);
  REQUIRE(sh->ShipOnce().ok());
  REQUIRE(sh->ShipOnce().ok());
  auto wcache = ReadFromBucket(*w, b, d.path + "/wcache", &reg);
  auto be = OpenIngester(Options(d.path + "/be", &clock));
  auto bcache = ReadFromBucket(*be, b, d.path + "/bcache", &reg);

  DeleteNode node = OpenDeleteNode(d.path + "/node", b, &reg);
  auto req = node.local->Add("a", R"({app="api"} |= "secret")", t0 - kSec, now, now - 10 * kSec);
  REQUIRE(req.ok());
  // A request object whose query does not compile (written by something else): never applied,
  // never listed as applied, never marked processed.
  retention::DeleteRequest bad{"0badbad0", "a", R"({app="api")", t0 - kSec, now, now - 10 * kSec, "received"};
  REQUIRE(b->Put(shipper::BucketDeletes::RequestKey("a", bad.id), shipper::BucketDeletes::Encode(bad)).ok());

  shipper::IndexCompactorOptions co;
  co.bucket = b;
  co.scratch_dir = d.path + "/compactor";
  co.delete_delay_ns = 0;
  co.registry = &reg;
  co.deletes = node.local.get();
  co.cancel_period_ns = 5 * kSec;
  co.rewrite.files = be->chunk_files();
  bool compacted_index_there = true;
  co.on_moved = [&](const std::vector<shipper::ChunkMove>& ms) {
    // Rows move before the merged index goes up: a kill after the upload cannot strand them.
    auto idx = b->List("index/");
    compacted_index_there = !idx.ok();
    if (idx.ok())
      for (const auto& o : *idx) compacted_index_there = compacted_index_there || shipper::IsCompactedIndexKey(o.key);
    return w->WithFlushesPaused([&] { return shipper::ApplyMovesToIndex(w->index_db(), ms); });
  };
  co.local_files = [&] { return shipper::ShippedFilesOf(*w->index_db()); };
  auto comp = shipper::IndexCompactor::Open(std::move(co));
  REQUIRE(comp.ok());
  auto s = (*comp)->RunOnce();
  REQUIRE(s.ok());
  CHECK_FALSE(compacted_index_there);
  CHECK(s->lines_deleted == 1);
  CHECK(s->deletes_processed == 1);
  CHECK(reg.Expose().find("skald_bucket_delete_requests_invalid_total 1") != std::string::npos);

  const Pairs all{{t0, "keep 1"}, {t0 + 1, "secret 2"}, {t0 + 2, "keep 3"}};
  CHECK(Read(*w, "a", kApp, Direction::kForward, t0 - 1, now) == Pairs{{t0, "keep 1"}, {t0 + 2, "keep 3"}});
  CHECK(Read(*w, "b", kApp, Direction::kForward, t0 - 1, now) == all);
  CHECK(BucketLines(b, *be->chunk_files(), d.path, "a") == std::vector<std::string>{"keep 1", "keep 3"});
  CHECK(BucketLines(b, *be->chunk_files(), d.path, "b") == std::vector<std::string>{"keep 1", "keep 3", "secret 2"});
  auto idx = b->List("index/");
  REQUIRE(idx.ok());
  REQUIRE(idx->size() == 1);
  REQUIRE(b->GetFile((*idx)[0].key, d.path + "/c.sqlite").ok());
  auto c = shipper::ReadIndexFile(d.path + "/c.sqlite");
  REQUIRE(c.ok());
  CHECK(c->deletes_applied == std::vector<std::string>{shipper::AppliedKey(*req)});
  auto listed = node.local->List("a");
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 2);
  for (const auto& r : *listed) CHECK(r.status == (r.id == bad.id ? "received" : "processed"));

  // The old objects are swept; b's lines are all still there.
  auto again = (*comp)->RunOnce();
  REQUIRE(again.ok());
  CHECK(again->chunk_objects_deleted >= 1);
  CHECK(Read(*w, "b", kApp, Direction::kForward, t0 - 1, now) == all);
  CHECK(BucketLines(b, *be->chunk_files(), d.path, "b") == std::vector<std::string>{"keep 1", "keep 3", "secret 2"});
}

TEST_CASE("bucket deletes: an object too fresh to merge holds back only the requests it may hold lines of",
          "[shipper]") {
  TempDir d;
  metrics::Registry reg;
  auto bucket = objstore::FsObjectStore::Open(d.path + "/bucket");
  REQUIRE(bucket.ok());
  objstore::ObjectStore* b = bucket->get();
  const int64_t now = WallNs();
  std::atomic<int64_t> clock{now};
  auto w = OpenIngester(Options(d.path + "/w", &clock));
  const int64_t t0 = now - 3600 * kSec;
  auto sh = OpenTestShipper(w.get(), b, d.path + "/scratch", &reg);
  REQUIRE(PushOne(*w, "a", kApp, {{t0, "a secret"}, {t0 + 1, "a keep"}}).ok());
  REQUIRE(w->FlushAll().ok());
  REQUIRE(sh->ShipOnce().ok());
  // That object is old enough to merge; the next one (tenant b) is not.
  auto first = b->List("index/");
  REQUIRE(first.ok());
  REQUIRE(first->size() == 1);
  std::filesystem::last_write_time(d.path + "/bucket/" + (*first)[0].key,
                                   std::filesystem::file_time_type::clock::now() - std::chrono::hours(2));
  REQUIRE(PushOne(*w, "b", kApp, {{t0, "b secret"}}).ok());
  REQUIRE(w->FlushAll().ok());
  REQUIRE(sh->ShipOnce().ok());
  auto be = OpenIngester(Options(d.path + "/be", &clock));
  auto bcache = ReadFromBucket(*be, b, d.path + "/bcache", &reg);

  DeleteNode node = OpenDeleteNode(d.path + "/node", b, &reg);
  auto ra = node.local->Add("a", R"({app="api"} |= "secret")", t0 - kSec, now, now - 10 * kSec);
  auto rb = node.local->Add("b", R"({app="api"} |= "secret")", t0 - kSec, now, now - 10 * kSec);
  REQUIRE(ra.ok());
  REQUIRE(rb.ok());
  shipper::IndexCompactorOptions co;
  co.bucket = b;
  co.scratch_dir = d.path + "/compactor";
  co.delete_delay_ns = 0;
  co.min_delete_delay_ns = 3600 * kSec;
  co.registry = &reg;
  co.deletes = node.local.get();
  co.cancel_period_ns = 5 * kSec;
  co.rewrite.files = be->chunk_files();
  auto comp = shipper::IndexCompactor::Open(std::move(co));
  REQUIRE(comp.ok());
  auto s = (*comp)->RunOnce();
  REQUIRE(s.ok());
  CHECK(s->objects_deferred == 1);
  CHECK(s->lines_deleted == 1);
  CHECK(s->deletes_processed == 1);   // a's request: the deferred object holds only b's rows
  auto all = node.local->All();
  REQUIRE(all.ok());
  REQUIRE(all->size() == 2);
  for (const auto& r : *all) CHECK(r.status == (r.tenant == "a" ? "processed" : "received"));
  CHECK(BucketLines(b, *be->chunk_files(), d.path, "a") == std::vector<std::string>{"a keep"});
  CHECK(BucketLines(b, *be->chunk_files(), d.path, "b") == std::vector<std::string>{"b secret"});
  CHECK(reg.Expose().find("skald_bucket_delete_requests_held_back_total 1") != std::string::npos);
}

TEST_CASE("bucket deletes: request ids are unique per tenant only", "[shipper]") {
  TempDir d;
  metrics::Registry reg;
  auto bucket = objstore::FsObjectStore::Open(d.path + "/bucket");
  REQUIRE(bucket.ok());
  objstore::ObjectStore* b = bucket->get();
  for (const char* tenant : {"a", "b"}) {
    retention::DeleteRequest r{"0000abcd", tenant, R"({app="api"})", 1, 2, 3, "received"};
    REQUIRE(b->Put(shipper::BucketDeletes::RequestKey(tenant, r.id), shipper::BucketDeletes::Encode(r)).ok());
  }
  DeleteNode n = OpenDeleteNode(d.path + "/n", b, &reg);
  REQUIRE(n.mirror->SyncOnce().ok());
  CHECK(n.local->All()->size() == 2);
  CHECK(n.local->Active("a")->size() == 1);
  CHECK(n.local->Active("b")->size() == 1);
  REQUIRE(n.local->MarkProcessed("a", "0000abcd").ok());
  CHECK((*n.local->List("a"))[0].status == "processed");
  CHECK((*n.local->List("b"))[0].status == "received");
  REQUIRE(n.local->Cancel("b", "0000abcd", 4, 100).ok());
  CHECK(n.local->List("a")->size() == 1);
  CHECK(n.local->List("b")->empty());
}

TEST_CASE("delete requests: a version 1 table (keyed by id) is migrated to (tenant, id)", "[retention]") {
  TempDir d;
  const std::string path = d.path + "/dr.db";
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, R"sql(
      CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO meta VALUES('delete_requests_version', '1');
      CREATE TABLE delete_requests(id TEXT PRIMARY KEY, tenant TEXT NOT NULL, query TEXT NOT NULL,
        start_ns INTEGER NOT NULL, end_ns INTEGER NOT NULL, created_ns INTEGER NOT NULL, status TEXT NOT NULL);
      CREATE INDEX delete_requests_by_tenant ON delete_requests(tenant, created_ns);
      INSERT INTO delete_requests VALUES('0000abcd', 'a', '{app="x"}', 1, 2, 3, 'processed');
    )sql", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  auto dr = retention::DeleteRequests::Open(path);
  REQUIRE(dr.ok());
  REQUIRE((*dr)->List("a")->size() == 1);
  CHECK((*(*dr)->List("a"))[0].status == "processed");
  retention::DeleteRequest other{"0000abcd", "b", R"({app="y"})", 1, 2, 4, "received"};
  auto all = (*dr)->All();
  REQUIRE(all.ok());
  all->push_back(other);
  REQUIRE((*dr)->Replace(*all).ok());
  CHECK((*dr)->All()->size() == 2);
  dr->reset();
  auto again = retention::DeleteRequests::Open(path);   // version 2 now: opened as it is
  REQUIRE(again.ok());
  CHECK((*again)->All()->size() == 2);
}

TEST_CASE("bucket deletes: requests added while the background sync runs are all kept", "[shipper]") {
  TempDir d;
  metrics::Registry reg;
  auto bucket = objstore::FsObjectStore::Open(d.path + "/bucket");
  REQUIRE(bucket.ok());
  DeleteNode n = OpenDeleteNode(d.path + "/n", bucket->get(), &reg);
  std::atomic<bool> stop{false};
  std::atomic<int> sync_failures{0};
  std::thread syncer([&] {
    while (!stop.load())
      if (!n.mirror->SyncOnce().ok()) sync_failures++;
  });
  int failed = 0;
  for (int i = 0; i < 150; ++i)
    if (!n.local->Add("t", R"({app="api"})", 1, 2, 100 + i).ok()) ++failed;
  // Right after the last Add (no sync since), every request is there.
  const size_t local_now = n.local->All()->size();
  stop = true;
  syncer.join();
  CHECK(failed == 0);
  CHECK(sync_failures.load() == 0);
  CHECK(local_now == 150);
  CHECK(n.local->All()->size() == 150);
}
