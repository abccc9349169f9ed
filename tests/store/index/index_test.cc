// SQLite index: streams and postings, matcher lookups per tenant, chunk refs by time range,
// watermarks, and everything surviving a reopen.
#include <catch.hpp>

#include "store/index/index_db.h"
#include "tests/store/wal/temp_dir.h"

using namespace skald;
using namespace skald::index;
using skald::testing::TempDir;

namespace {

Matchers M(std::initializer_list<std::tuple<MatchType, const char*, const char*>> ms) {
  Matchers out;
  for (auto& [t, n, v] : ms) out.push_back(*Matcher::Make(t, n, v));
  return out;
}

std::vector<uint64_t> Ids(const Result<std::vector<StreamRecord>>& r) {
  REQUIRE(r.ok());
  std::vector<uint64_t> out;
  for (const auto& s : *r) out.push_back(s.id);
  return out;
}

}  // namespace

TEST_CASE("index: streams, postings and matchers per tenant", "[index]") {
  TempDir d;
  auto db = IndexDb::Open(d / "index.db");
  REQUIRE(db.ok());
  LabelSet a(std::vector<Label>{{"app", "api"}, {"env", "prod"}}), b(std::vector<Label>{{"app", "web"}, {"env", "prod"}}), c(std::vector<Label>{{"app", "api"}, {"env", "dev"}});
  auto ia = (*db)->AddStream("t1", a.Fingerprint(), a);
  auto ib = (*db)->AddStream("t1", b.Fingerprint(), b);
  auto ic = (*db)->AddStream("t2", c.Fingerprint(), c);
  REQUIRE((ia.ok() && ib.ok() && ic.ok()));
  CHECK(*ia != *ib);
  struct Case { Matchers ms; std::vector<uint64_t> want; };
  std::vector<Case> cases = {
      {M({{MatchType::kEq, "env", "prod"}}), {*ia, *ib}},
      {M({{MatchType::kEq, "app", "api"}}), {*ia}},                       // t2's api stream is invisible
      {M({{MatchType::kRe, "app", "a.*|w.*"}, {MatchType::kNeq, "app", "web"}}), {*ia}},
      {M({{MatchType::kEq, "app", "nope"}}), {}},
      {{}, {*ia, *ib}},
  };
  for (auto& c2 : cases) {
    INFO(MatchersToString(c2.ms));
    CHECK(Ids((*db)->Match("t1", c2.ms)) == c2.want);
  }
  CHECK(Ids((*db)->Match("t2", {})) == std::vector<uint64_t>{*ic});
}

TEST_CASE("index: chunk refs by time range, watermarks, reopen", "[index]") {
  TempDir d;
  LabelSet a(std::vector<Label>{{"app", "api"}});
  uint64_t id;
  {
    auto db = IndexDb::Open(d / "index.db");
    REQUIRE(db.ok());
    id = *(*db)->AddStream("t", a.Fingerprint(), a);
    std::vector<FlushedChunk> chunks;
    for (int i = 0; i < 5; ++i)
      chunks.push_back({id, chunk::ChunkRef{"f", static_cast<uint64_t>(i * 100), 100, i * 10, i * 10 + 9, 3, 30}, 77});
    REQUIRE((*db)->CommitChunks(chunks).ok());
    auto r = (*db)->Chunks(id, 15, 31);   // overlaps [10,19], [20,29], [30,39]
    REQUIRE(r.ok());
    REQUIRE(r->size() == 3);
    CHECK((*r)[0].offset == 100);
    CHECK((*r)[2].max_ts == 39);
  }
  auto db = IndexDb::Open(d / "index.db");
  REQUIRE(db.ok());
  StreamRecord rec;
  REQUIRE((*db)->GetStream(id, &rec));
  CHECK(rec.labels == a);
  CHECK(rec.flushed_wal == 77);
  CHECK(rec.min_ts == 0);
  CHECK(rec.max_ts == 49);
  CHECK(rec.chunks == 5);
  CHECK(rec.entries == 15);
  auto id2 = (*db)->AddStream("t", 1, LabelSet(std::vector<Label>{{"app", "new"}}));
  REQUIRE(id2.ok());
  CHECK(*id2 > id);
}
