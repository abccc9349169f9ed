// Chunk blocks and files: round trips (equal timestamps, metadata, empty lines), per-tenant per-day
// segment files with rolling, and corruption caught by the block and header CRCs.
#include <catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>

#include "store/chunk/block.h"
#include "store/chunk/chunk_files.h"
#include "tests/store/wal/temp_dir.h"

using namespace skald;
using namespace skald::chunk;
using skald::testing::TempDir;

namespace {

struct Owned {
  std::vector<std::string> lines;
  std::vector<std::vector<Label>> metas;
  std::vector<EntryRef> refs;
};

Owned MakeEntries(int n, int64_t t0, int64_t step) {
  Owned o;
  o.lines.reserve(static_cast<size_t>(n));
  o.metas.resize(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    o.lines.push_back(i % 7 == 0 ? "" : "level=info msg=\"line " + std::to_string(i) + "\" user=u" + std::to_string(i % 13));
    if (i % 5 == 0) o.metas[static_cast<size_t>(i)] = {{"trace_id", "t" + std::to_string(i)}};
  }
  for (int i = 0; i < n; ++i)
    o.refs.push_back({t0 + (i / 3) * step, o.lines[static_cast<size_t>(i)], &o.metas[static_cast<size_t>(i)]});
  return o;
}

void CheckDecoded(const DecodedBlock& d, const Owned& o) {
  REQUIRE(d.size() == o.refs.size());
  for (size_t i = 0; i < d.size(); ++i) {
    CHECK(d.ts(i) == o.refs[i].ts_ns);
    CHECK(d.line(i) == o.refs[i].line);
    const auto* m = d.metadata(i);
    if (o.metas[i].empty()) CHECK(m == nullptr);
    else REQUIRE((m != nullptr && *m == o.metas[i]));
  }
}

}  // namespace

TEST_CASE("chunk: block round trip at each compression level", "[chunk]") {
  for (int level : {0, 1, 3, 9}) {
    INFO(level);
    Owned o = MakeEntries(500, 1000, 7);
    BlockPtr b = BuildBlock(o.refs, level);
    CHECK(b->meta.entries == 500);
    CHECK(b->meta.min_ts == 1000);
    CHECK(b->meta.max_ts == 1000 + 166 * 7);
    CHECK(b->meta.comp_len < b->meta.raw_len);
    DecodedBlock d;
    REQUIRE(d.Decode(b->meta, b->data).ok());
    CheckDecoded(d, o);
  }
}

TEST_CASE("chunk: a flipped byte in a block is a crc error", "[chunk][corruption]") {
  Owned o = MakeEntries(100, 0, 1);
  BlockPtr b = BuildBlock(o.refs, 0);
  for (size_t at : {size_t{0}, b->data.size() / 2, b->data.size() - 1}) {
    std::string bad = b->data;
    bad[at] ^= 0x01;
    DecodedBlock d;
    Status st = d.Decode(b->meta, bad);
    CHECK(st.code() == Code::kCorruption);
    CHECK(st.message().find("crc") != std::string::npos);
  }
}

TEST_CASE("chunk: files per tenant and day, read back block by block", "[chunk]") {
  TempDir d;
  ChunkFiles files(nullptr, d.path, 1 << 20);
  const int64_t day1 = 1700000000LL * 1000000000LL, day2 = day1 + 86400LL * 1000000000LL;
  Owned a = MakeEntries(300, day1, 1000), b = MakeEntries(300, day1 + 10000000, 1000), c = MakeEntries(50, day2, 1);
  std::vector<BlockPtr> blocks{BuildBlock(a.refs, 0), BuildBlock(b.refs, 3)};
  auto r1 = files.Append("tenant/a", 42, blocks);
  auto r2 = files.Append("other", 7, {BuildBlock(c.refs, 0)});
  auto r3 = files.Append("tenant/a", 42, {BuildBlock(c.refs, 0)});
  REQUIRE((r1.ok() && r2.ok() && r3.ok()));
  REQUIRE(files.SyncAll().ok());
  CHECK(r1->file == "tenant%2Fa/2023-11-14/000001.skc");
  CHECK(r2->file == "other/2023-11-15/000001.skc");
  CHECK(r3->file == "tenant%2Fa/2023-11-15/000001.skc");
  CHECK(r1->entries == 600);
  CHECK(r1->min_ts == day1);
  auto h = files.ReadHeader(*r1);
  REQUIRE(h.ok());
  CHECK(h->fingerprint == 42);
  REQUIRE(h->blocks.size() == 2);
  for (size_t i = 0; i < 2; ++i) {
    std::string comp;
    REQUIRE(files.ReadBlock(*r1, *h, i, &comp).ok());
    DecodedBlock db;
    REQUIRE(db.Decode(h->blocks[i], comp).ok());
    CheckDecoded(db, i == 0 ? a : b);
  }
}

TEST_CASE("chunk: segment files roll at the size limit", "[chunk]") {
  TempDir d;
  ChunkFiles files(nullptr, d.path, 64 << 10);
  Owned o = MakeEntries(2000, 1700000000LL * 1000000000LL, 1);
  std::set<std::string> names;
  for (int i = 0; i < 12; ++i) {
    auto r = files.Append("t", 1, {BuildBlock(o.refs, 0)});
    REQUIRE(r.ok());
    names.insert(r->file);
  }
  CHECK(names.size() >= 2);
  CHECK(names.size() < 12);
}

TEST_CASE("chunk: a damaged chunk header is reported, not trusted", "[chunk][corruption]") {
  TempDir d;
  ChunkFiles files(nullptr, d.path);
  Owned o = MakeEntries(10, 1700000000LL * 1000000000LL, 1);
  auto r = files.Append("t", 1, {BuildBlock(o.refs, 0)});
  REQUIRE(r.ok());
  REQUIRE(files.SyncAll().ok());
  std::string path = d.path + "/" + r->file;
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(r->offset + 20));
    f.put('\x7f');
  }
  auto h = files.ReadHeader(*r);
  REQUIRE_FALSE(h.ok());
  CHECK(h.status().code() == Code::kCorruption);
  CHECK(h.status().message().find(r->file) != std::string::npos);
}

namespace {

int OpenFdCount() {
  int n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

}  // namespace

TEST_CASE("chunk: read handles stay open between reads, and a deleted file's name is read anew", "[chunk]") {
  TempDir d;
  ChunkFiles files(nullptr, d.path);
  const int64_t t0 = 1700000000LL * 1000000000LL;
  Owned a = MakeEntries(100, t0, 1), b = MakeEntries(40, t0, 7);
  auto r = files.Append("t", 1, {BuildBlock(a.refs, 0)});
  REQUIRE(r.ok());
  REQUIRE(files.SyncAll().ok());
  files.CloseIdle();
  files.CloseIdle();   // the append handle is closed: what stays open now is read handles only
  const int before = OpenFdCount();
  for (int i = 0; i < 50; ++i) {
    auto h = files.ReadHeader(*r);
    REQUIRE(h.ok());
    std::string comp;
    REQUIRE(files.ReadBlock(*r, *h, 0, &comp).ok());
  }
  CHECK(OpenFdCount() == before + 1);   // one handle for 100 reads of the file
  files.CloseIdle();                    // used since the last call: kept
  CHECK(OpenFdCount() == before + 1);
  files.CloseIdle();                    // unused since: closed
  CHECK(OpenFdCount() == before);

  // The compactor closes a dead file before deleting it; the next chunk goes to a new name (names
  // are never reused in a process: a query holding the old ref must not read other bytes there).
  REQUIRE(files.ReadHeader(*r).ok());
  REQUIRE(files.CloseFile(r->file).ok());
  CHECK(OpenFdCount() == before);
  std::filesystem::remove(d.path + "/" + r->file);
  auto r2 = files.Append("t", 2, {BuildBlock(b.refs, 3)});
  REQUIRE(r2.ok());
  REQUIRE(files.SyncAll().ok());
  REQUIRE(r2->file != r->file);
  CHECK_FALSE(files.ReadHeader(*r).ok());
  auto h2 = files.ReadHeader(*r2);
  REQUIRE(h2.ok());
  CHECK(h2->fingerprint == 2);
  std::string comp;
  REQUIRE(files.ReadBlock(*r2, *h2, 0, &comp).ok());
  DecodedBlock db;
  REQUIRE(db.Decode(h2->blocks[0], comp).ok());
  CheckDecoded(db, b);
}

TEST_CASE("chunk files: a removed segment's name is never reused in the process (a held ref cannot read another chunk)") {
  TempDir d;
  chunk::ChunkFiles files(fs::FileSystem::Default(), d.path + "/chunks");
  const int64_t ts = 1764806400000000000LL;   // 2025-12-04
  const std::string l1 = "line of stream one", l2 = "line of stream two, different";
  auto a = files.Append("fake", 111, {chunk::BuildBlock({chunk::EntryRef{ts, l1, nullptr}}, 1)});
  REQUIRE(a.ok());
  REQUIRE(files.SyncAll().ok());
  // A ship pass seals it; the next removes the local copy and unseals it.
  REQUIRE(files.Seal(a->file).ok());
  REQUIRE(fs::FileSystem::Default()->Remove(d.path + "/chunks/" + a->file).ok());
  files.Unseal(a->file);
  auto b = files.Append("fake", 222, {chunk::BuildBlock({chunk::EntryRef{ts + 5, l2, nullptr}}, 1)});
  REQUIRE(b.ok());
  REQUIRE(files.SyncAll().ok());
  CHECK(b->file != a->file);
  CHECK_FALSE(files.ReadHeader(*a).ok());   // the old name reads nothing (NotFound), not stream 222
}

TEST_CASE("chunk files: headers are kept in memory until their file is closed for deletion", "[chunk]") {
  TempDir d;
  ChunkFiles files(nullptr, d.path);
  const int64_t t0 = 1700000000LL * 1000000000LL;
  Owned a = MakeEntries(50, t0, 1);
  auto r = files.Append("t", 5, {BuildBlock(a.refs, 0)});
  REQUIRE(r.ok());
  REQUIRE(files.SyncAll().ok());
  auto h1 = files.Header(*r);
  REQUIRE(h1.ok());
  CHECK((*h1)->fingerprint == 5);
  auto h2 = files.Header(*r);
  REQUIRE(h2.ok());
  CHECK(h1->get() == h2->get());   // the second came from memory
  std::string comp;
  REQUIRE(files.ReadBlock(*r, **h2, 0, &comp).ok());
  DecodedBlock db;
  REQUIRE(db.Decode((*h2)->blocks[0], comp).ok());
  CheckDecoded(db, a);
  REQUIRE(files.CloseFile(r->file).ok());
  std::filesystem::remove(d.path + "/" + r->file);
  CHECK_FALSE(files.Header(*r).ok());   // not served from memory once the file is gone
}
