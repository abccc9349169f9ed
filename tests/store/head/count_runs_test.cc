// Count runs (StoreReader::Runs) over a real Ingester: per-block totals from metadata, timestamps and
// lengths decoded without the lines, and the chunk flag that says no entry carries metadata.
#include <catch.hpp>

#include <random>

#include "store/chunk/chunk_format.h"
#include "tests/store/head/head_test_util.h"

namespace skald::testing {
namespace {

constexpr int64_t kT0 = 1700000000000000000LL;

struct Loaded {
  std::vector<int64_t> ts;
  std::vector<uint32_t> len;
  bool meta = false;
};

Loaded LoadAll(CountRun& r) {
  Loaded l;
  REQUIRE(r.Load(&l.ts, &l.len, &l.meta).ok());
  return l;
}

TEST_CASE("count runs: per-block totals and sizes match the entries, in chunks, blocks and head", "[head]") {
  TempDir d;
  auto opts = Options(d.path, nullptr);
  opts.cfg.chunk_block_size = 4096;
  opts.cfg.chunk_target_size = 8192;
  auto ing = OpenIngester(opts);
  const LabelSet plain = *LabelSet::Parse(R"({app="plain"})"), meta = *LabelSet::Parse(R"({app="meta"})");
  for (int round = 0; round < 2; ++round) {   // round 0 ends up in chunk files, round 1 stays in memory
    for (const auto* ls : {&plain, &meta}) {
      LogStream s{*ls, {}};
      for (int64_t i = 0; i < 1500; ++i) {
        int64_t k = round * 1500 + i;
        LogEntry e{kT0 + k * 1000, "entry " + std::to_string(k) + std::string(static_cast<size_t>(k % 40), 'x'), {}};
        if (ls == &meta && k % 500 == 7) e.metadata = {{"trace_id", std::to_string(k)}};
        s.entries.push_back(std::move(e));
      }
      std::vector<LogStream> v{std::move(s)};
      REQUIRE(ing->Push("t", std::move(v)).ok());
    }
    if (round == 0) REQUIRE(ing->FlushAll().ok());
  }
  for (const auto* ls : {&plain, &meta}) {
    INFO(ls->ToString());
    uint64_t id = StreamId(*ing, "t", *ls);
    auto runs = ing->Runs("t", id, INT64_MIN, INT64_MAX);
    REQUIRE(runs.ok());
    REQUIRE(runs->size() > 4);
    Pairs all = Read(*ing, "t", *ls, Direction::kForward);
    size_t at = 0;
    bool any_meta = false;
    for (auto& r : *runs) {
      Loaded l = LoadAll(*r);
      if (!r->metadata) CHECK_FALSE(l.meta);   // "known none" must be true
      any_meta = any_meta || l.meta;
      REQUIRE(static_cast<int64_t>(l.ts.size()) == r->summary.entries);
      int64_t bytes = 0;
      for (size_t i = 0; i < l.ts.size(); ++i, ++at) {
        REQUIRE(at < all.size());
        CHECK(l.ts[i] == all[at].first);
        CHECK(l.len[i] == all[at].second.size());
        bytes += l.len[i];
      }
      CHECK(bytes == r->summary.raw_bytes);
      CHECK(l.ts.front() == r->summary.min_ts_ns);
      CHECK(l.ts.back() == r->summary.max_ts_ns);
    }
    CHECK(at == all.size());
    CHECK(any_meta == (ls == &meta));
    auto part = ing->Runs("t", id, kT0 + 1000 * 1000, kT0 + 2000 * 1000);
    REQUIRE(part.ok());
    for (auto& r : *part) CHECK((r->summary.min_ts_ns < kT0 + 2000 * 1000 && r->summary.max_ts_ns >= kT0 + 1000 * 1000));
  }
}

TEST_CASE("count runs: DecodeBlockSizes equals a full decode, and the no-metadata chunk flag", "[head]") {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 20; ++round) {
    std::vector<std::string> lines;
    std::vector<std::vector<Label>> metas(200);
    std::vector<chunk::EntryRef> es;
    int64_t ts = static_cast<int64_t>(rng() % 1000000) - 500000;
    for (int i = 0; i < 200; ++i) lines.push_back(std::string(rng() % (round % 2 ? 3 : 400), 'a' + i % 26));
    for (int i = 0; i < 200; ++i) {
      ts += static_cast<int64_t>(rng() % (round % 3 == 0 ? 1000000000000ULL : 10ULL));
      if (round % 4 == 1 && i % 50 == 3) metas[static_cast<size_t>(i)] = {{"k", "v"}};
      es.push_back({ts, lines[static_cast<size_t>(i)], &metas[static_cast<size_t>(i)]});
    }
    auto b = chunk::BuildBlock(es, round % 2);
    chunk::BlockSizes sz;
    REQUIRE(chunk::DecodeBlockSizes(b->meta, b->data, &sz).ok());
    chunk::DecodedBlock full;
    REQUIRE(full.Decode(b->meta, b->data).ok());
    REQUIRE(sz.ts.size() == full.size());
    for (size_t i = 0; i < full.size(); ++i) {
      CHECK(sz.ts[i] == full.ts(i));
      CHECK(sz.len[i] == full.line(i).size());
    }
    CHECK(sz.metadata == (round % 4 == 1));
    CHECK(b->meta.metadata == (round % 4 == 1));
    std::string bad = b->data;
    bad[bad.size() / 2] ^= 1;
    CHECK_FALSE(chunk::DecodeBlockSizes(b->meta, bad, &sz).ok());

    chunk::ChunkHeader h;
    h.blocks = {b->meta};
    std::string enc;
    chunk::EncodeChunkHeader(h, &enc);
    chunk::ChunkHeader back;
    REQUIRE(chunk::DecodeChunkHeader(enc, &back).ok());
    CHECK(back.blocks[0].metadata == (round % 4 == 1));
  }
  // A version-1 header written before the flag existed (reserved u32 = 0): metadata "may be there".
  chunk::ChunkHeader h;
  h.blocks.resize(1);
  h.blocks[0].metadata = true;
  std::string enc;
  chunk::EncodeChunkHeader(h, &enc);
  chunk::ChunkHeader back;
  REQUIRE(chunk::DecodeChunkHeader(enc, &back).ok());
  CHECK(back.flags == 0);
  CHECK(back.blocks[0].metadata);
}

}  // namespace
}  // namespace skald::testing
