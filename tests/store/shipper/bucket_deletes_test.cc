// Delete requests on a directory bucket (FsObjectStore): two nodes share requests through the
// bucket objects (create, cancel, processed, a foreign object skipped), and the bucket compactor
// rewrites the chunk objects that hold deleted lines, repoints a writer's own rows, and is done.
#include <catch.hpp>

#include <chrono>

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
const LabelSet kDb(std::vector<Label>{{"app", "db"}});

}  // namespace

TEST_CASE("bucket deletes: requests are objects every node sees, cancels and processed marks travel too", "[shipper]") {
  TempDir d;
  metrics::Registry reg;
  auto bucket = objstore::FsObjectStore::Open(d.path + "/bucket");
  REQUIRE(bucket.ok());
  DeleteNode a = OpenDeleteNode(d.path + "/a", bucket->get(), &reg), b = OpenDeleteNode(d.path + "/b", bucket->get(), &reg);
  auto r1 = a.local->Add("t|1", R"({app="api"} |= "x")", 10, 20, 100);
  REQUIRE(r1.ok());
  auto r2 = a.local->Add("t|1", R"({app="db"})", 10, 20, 200);
  REQUIRE(r2.ok());
  CHECK((*bucket)->Head(shipper::BucketDeletes::RequestKey("t|1", r1->id)).ok());
  CHECK(shipper::BucketDeletes::RequestKey("t|1", "ab") == "deletes/t%7C1/ab.json");
  CHECK_FALSE(a.local->Add("t|1", R"({app="api"} | json)", 10, 20, 100).ok());   // refused before the bucket

  auto listed = b.local->List("t|1");   // a list refreshes from the bucket
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 2);
  CHECK((*listed)[0].query == R"({app="api"} |= "x")");
  CHECK((*listed)[0].status == "received");
  CHECK(b.local->Active("t|1")->size() == 2);

  // Cancelled through b: gone from the bucket and, at its next sync, from a.
  REQUIRE(b.local->Cancel("t|1", r2->id, 300, 1000).ok());
  CHECK((*bucket)->Head(shipper::BucketDeletes::RequestKey("t|1", r2->id)).status().code() == Code::kNotFound);
  auto changed = a.mirror->SyncOnce();
  REQUIRE(changed.ok());
  CHECK(*changed == 1);
  CHECK(a.local->Active("t|1")->size() == 1);

  // Processed through a: b lists it so, and a cancel through b is refused with Loki's message.
  REQUIRE(a.local->MarkProcessed("t|1", r1->id).ok());
  REQUIRE(b.mirror->SyncOnce().ok());
  auto all = b.local->All();
  REQUIRE(all.ok());
  REQUIRE(all->size() == 1);
  CHECK((*all)[0].status == "processed");
  Status st = b.local->Cancel("t|1", r1->id, 300, 1000);
  CHECK(st.code() == Code::kInvalidArgument);
  CHECK(st.message().find("already processed") != std::string::npos);

  // Something else under deletes/ is skipped and counted, never fatal; a newer format is refused.
  REQUIRE((*bucket)->Put("deletes/t/zz.json", "{\"version\": 9}").ok());
  REQUIRE(b.mirror->SyncOnce().ok());
  CHECK(b.local->All()->size() == 1);
  CHECK(reg.Expose().find("skald_bucket_delete_requests_bad_objects_total 1") != std::string::npos);
  retention::DeleteRequest q{"0a0b0c0d", "ten\"ant", "{a=\"b\\\\\"}", -5, 7, 9, "received"};
  auto back = shipper::BucketDeletes::Decode(shipper::BucketDeletes::Encode(q));
  REQUIRE(back.ok());
  CHECK(back->tenant == q.tenant);
  CHECK(back->query == q.query);
  CHECK(back->start_ns == -5);
  CHECK(back->created_ns == 9);
  CHECK_FALSE(shipper::BucketDeletes::Decode("{\"version\":2}").ok());

  // A fresh node (empty local copy) gets the bucket's set at its first sync; rows only it had go.
  DeleteNode c = OpenDeleteNode(d.path + "/c", bucket->get(), &reg);
  retention::DeleteRequests* lc = c.local.get();
  lc->SetMirror(nullptr);
  REQUIRE(lc->Add("t|1", R"({app="x"})", 1, 2, 3).ok());
  lc->SetMirror(c.mirror.get());
  REQUIRE(c.mirror->SyncOnce().ok());
  REQUIRE(lc->All()->size() == 1);
  CHECK((*lc->All())[0].id == r1->id);
}

TEST_CASE("bucket deletes: the compactor rewrites the objects holding deleted lines, once", "[shipper]") {
  TempDir d;
  metrics::Registry reg;
  auto bucket = objstore::FsObjectStore::Open(d.path + "/bucket");
  REQUIRE(bucket.ok());
  const int64_t now = WallNs();
  std::atomic<int64_t> clock{now};
  auto w = OpenIngester(Options(d.path + "/w", &clock));
  const int64_t t0 = now - 3600 * kSec;
  REQUIRE(PushOne(*w, "t", kApp, {{t0, "keep 1"}, {t0 + 1, "secret 2"}, {t0 + 2, "keep 3"}}).ok());
  REQUIRE(PushOne(*w, "t", kDb, {{t0, "db secret"}, {t0 + 5, "db 2"}}).ok());
  REQUIRE(w->FlushAll().ok());
  auto sh = OpenTestShipper(w.get(), bucket->get(), d.path + "/scratch", &reg);
  REQUIRE(sh->ShipOnce().ok());
  REQUIRE(sh->ShipOnce().ok());   // the local copies go: reads of the writer go to the bucket
  auto wcache = ReadFromBucket(*w, bucket->get(), d.path + "/wcache", &reg);
  auto before = (*bucket)->List("chunks/");
  REQUIRE(before.ok());
  REQUIRE(before->size() == 1);

  // The backend: its own ingester reads chunks through its cache.
  auto be = OpenIngester(Options(d.path + "/be", &clock));
  auto bcache = ReadFromBucket(*be, bucket->get(), d.path + "/bcache", &reg);
  DeleteNode node = OpenDeleteNode(d.path + "/node", bucket->get(), &reg);
  auto req = node.local->Add("t", R"({app="api"} |= "secret")", t0 - kSec, now, now - 10 * kSec);
  REQUIRE(req.ok());
  REQUIRE(node.local->Add("t", R"({app="db"})", t0 - kSec, now, now).ok());   // still in its cancel period
  shipper::IndexCompactorOptions co;
  co.bucket = bucket->get();
  co.scratch_dir = d.path + "/compactor";
  co.delete_delay_ns = 0;
  co.registry = &reg;
  co.deletes = node.local.get();
  co.cancel_period_ns = 5 * kSec;
  co.rewrite.files = be->chunk_files();
  std::vector<shipper::ChunkMove> moved;
  co.on_moved = [&](const std::vector<shipper::ChunkMove>& ms) {
    moved = ms;
    return w->WithFlushesPaused([&] { return shipper::ApplyMovesToIndex(w->index_db(), ms); });
  };
  co.local_files = [&] { return shipper::ShippedFilesOf(*w->index_db()); };
  auto comp = shipper::IndexCompactor::Open(std::move(co));
  REQUIRE(comp.ok());
  auto s = (*comp)->RunOnce();
  REQUIRE(s.ok());
  CHECK(s->lines_deleted == 1);
  CHECK(s->chunks_rewritten == 2);        // the whole segment: the db chunk is copied as it was
  CHECK(s->deletes_processed == 1);
  CHECK(moved.size() == 2);
  auto listed = node.local->List("t");
  REQUIRE(listed.ok());
  CHECK((*listed)[0].status == "processed");
  CHECK((*listed)[1].status == "received");

  // The day's index now points only at the new object.
  auto idx = (*bucket)->List("index/");
  REQUIRE(idx.ok());
  REQUIRE(idx->size() == 1);
  REQUIRE((*bucket)->GetFile((*idx)[0].key, d.path + "/c.sqlite").ok());
  auto c = shipper::ReadIndexFile(d.path + "/c.sqlite");
  REQUIRE(c.ok());
  CHECK(c->deletes_applied == std::vector<std::string>{shipper::AppliedKey(*req)});
  for (const auto& ch : c->chunks) CHECK(ch.ref.file.find("/compactor-") != std::string::npos);
  CHECK(Read(*w, "t", kApp, Direction::kForward, t0 - 1, now) == Pairs{{t0, "keep 1"}, {t0 + 2, "keep 3"}});
  CHECK(Read(*w, "t", kDb, Direction::kForward, t0 - 1, now) == Pairs{{t0, "db secret"}, {t0 + 5, "db 2"}});

  // Nothing left to rewrite at the next pass; the old object goes now (delay 0): at the start of
  // the first pass the writer's own rows still pointed into it.
  auto again = (*comp)->RunOnce();
  REQUIRE(again.ok());
  CHECK(again->days_compacted == 0);
  CHECK(again->chunks_rewritten == 0);
  CHECK(again->chunk_objects_deleted == 1);
  auto after = (*bucket)->List("chunks/");
  REQUIRE(after.ok());
  REQUIRE(after->size() == 1);
  CHECK(after->front().key.find("/compactor-") != std::string::npos);
  CHECK(Read(*w, "t", kApp, Direction::kForward, t0 - 1, now) == Pairs{{t0, "keep 1"}, {t0 + 2, "keep 3"}});
}

TEST_CASE("bucket deletes: a write node drops its rows of every shipped segment a request touches", "[shipper]") {
  TempDir d;
  metrics::Registry reg;
  auto bucket = objstore::FsObjectStore::Open(d.path + "/bucket");
  REQUIRE(bucket.ok());
  const int64_t now = WallNs();
  std::atomic<int64_t> clock{now};
  auto w = OpenIngester(Options(d.path + "/w", &clock));
  const int64_t t0 = now - 3600 * kSec;
  REQUIRE(PushOne(*w, "t", kApp, {{t0, "a"}}).ok());
  REQUIRE(PushOne(*w, "t", kDb, {{t0, "b"}}).ok());
  REQUIRE(w->FlushAll().ok());
  REQUIRE(PushOne(*w, "t", kApp, {{t0 + 10, "not shipped"}}).ok());
  auto sh = OpenTestShipper(w.get(), bucket->get(), d.path + "/scratch", &reg);
  REQUIRE(sh->ShipOnce().ok());
  auto wcache = ReadFromBucket(*w, bucket->get(), d.path + "/wcache", &reg);
  REQUIRE(w->FlushAll().ok());   // a local (unshipped) chunk of the same stream
  std::vector<retention::DeleteRequest> reqs{{"1", "t", R"({app="api"})", t0 - 1, t0 + 100, 0, "processed"}};
  auto n = shipper::DropShippedRows(w->index_db(), reqs);
  REQUIRE(n.ok());
  // The db row goes too: it is in the same shipped segment, which the backend rewrites whole and
  // then sweeps (read nodes find both streams in the bucket's index).
  CHECK(*n == 2);
  CHECK(Read(*w, "t", kApp, Direction::kForward, t0 - 1, now) == Pairs{{t0 + 10, "not shipped"}});
  CHECK(Read(*w, "t", kDb, Direction::kForward, t0 - 1, now).empty());
  CHECK(*shipper::DropShippedRows(w->index_db(), reqs) == 0);
}
