// The index's maintenance methods for the compactor: rows by file prefix, live bytes per file,
// expiring rows per stream cutoff and swapping rows, with catalog bounds kept right and durable.
#include <catch.hpp>

#include "store/index/index_db.h"
#include "tests/store/wal/temp_dir.h"

using namespace skald;
using namespace skald::index;
using skald::testing::TempDir;

namespace {

chunk::ChunkRef Ref(const std::string& file, uint64_t off, int64_t lo, int64_t hi) {
  return chunk::ChunkRef{file, off, 100, lo, hi, 10, 50};
}

}  // namespace

TEST_CASE("index maintenance: expire, replace, live bytes, bounds", "[index]") {
  TempDir d;
  auto db = IndexDb::Open(d / "index.db");
  REQUIRE(db.ok());
  LabelSet a(std::vector<Label>{{"app", "a"}}), b(std::vector<Label>{{"app", "b"}});
  uint64_t ia = *(*db)->AddStream("t1", a.Fingerprint(), a), ib = *(*db)->AddStream("t1", b.Fingerprint(), b);
  REQUIRE((*db)->CommitChunks({{ia, Ref("t1/d1/000001.skc", 16, 10, 20), 5}, {ia, Ref("t1/d2/000001.skc", 16, 30, 40), 6},
                               {ib, Ref("t1/d1/000001.skc", 116, 10, 25), 7}}).ok());
  CHECK((*db)->ChunkRows("t1/d1/")->size() == 2);
  CHECK((*db)->ChunkRows("")->size() == 3);
  CHECK((*db)->LiveBytesByFile()->at("t1/d1/000001.skc") == 200);

  auto removed = (*db)->DeleteChunksBefore({{ia, 25}, {ib, 25}});   // ib's chunk ends at 25: kept
  REQUIRE(removed.ok());
  REQUIRE(removed->size() == 1);
  CHECK(removed->front().ref.max_ts == 20);
  StreamRecord r;
  REQUIRE((*db)->GetStream(ia, &r));
  CHECK((r.chunks == 1 && r.min_ts == 30 && r.max_ts == 40 && r.entries == 10));
  CHECK((*db)->LiveBytesByFile()->at("t1/d1/000001.skc") == 100);

  auto rows = (*db)->ChunkRows("t1/d2/");
  REQUIRE(rows->size() == 1);
  REQUIRE((*db)->ReplaceChunks({rows->front().id}, {{ia, Ref("t1/d2/000002.skc", 16, 31, 39), 0}}).ok());
  REQUIRE((*db)->GetStream(ia, &r));
  CHECK((r.min_ts == 31 && r.max_ts == 39 && r.flushed_wal == 6));
  REQUIRE((*db)->DeleteChunksBefore({{ia, 100}}).ok());
  REQUIRE((*db)->GetStream(ia, &r));
  CHECK((r.chunks == 0 && r.min_ts == INT64_MAX && r.max_ts == INT64_MIN));

  db->reset();   // durable: a reopen sees the same rows
  auto again = IndexDb::Open(d / "index.db");
  REQUIRE(again.ok());
  CHECK((*again)->ChunkRows("")->size() == 1);
  REQUIRE((*again)->GetStream(ib, &r));
  CHECK((r.chunks == 1 && r.max_ts == 25));
}
