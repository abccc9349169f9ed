// WAL: round-trips under every fsync policy, group commit under concurrency, segment rolling and
// removal, CRC-detected corruption and torn tails (reported precisely, truncated), injected faults.
#include <catch.hpp>

#include <filesystem>
#include <fstream>
#include <thread>

#include "store/fs/crc32c.h"
#include "store/wal/wal_format.h"
#include "store/wal/wal_reader.h"
#include "store/wal/wal_record.h"
#include "store/wal/wal_writer.h"
#include "tests/store/wal/temp_dir.h"

using namespace skald;
using namespace skald::wal;
using skald::testing::TempDir;

namespace {

std::string Payload(int i) { return "record-" + std::to_string(i) + std::string(static_cast<size_t>(i % 97), 'x'); }

std::vector<std::pair<uint64_t, std::string>> ReadAllRecords(const std::string& dir, ReplayReport* rep = nullptr,
                                                             bool truncate = true) {
  std::vector<std::pair<uint64_t, std::string>> out;
  auto r = ReplayWal(fs::FileSystem::Default(), dir, truncate, [&](const WalRecord& rec) {
    out.emplace_back(rec.pos, std::string(rec.payload));
    return Status::Ok();
  });
  REQUIRE(r.ok());
  if (rep != nullptr) *rep = *r;
  return out;
}

void FlipByte(const std::string& path, uint64_t offset) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(offset));
  char c;
  f.get(c);
  f.seekp(static_cast<std::streamoff>(offset));
  f.put(static_cast<char>(c ^ 0x5A));
}

}  // namespace

TEST_CASE("wal: crc32c matches the standard check value", "[wal]") {
  CHECK(fs::Crc32c("123456789") == 0xE3069283u);
  CHECK(fs::Crc32c("") == 0u);
  std::string big(1000, 'a');
  uint32_t whole = fs::Crc32c(big);
  CHECK(fs::Crc32cExtend(fs::Crc32cExtend(0, big.data(), 333), big.data() + 333, 667) == whole);
}

TEST_CASE("wal: round trip under each fsync policy", "[wal]") {
  for (const char* policy : {"group", "always", "never"}) {
    INFO(policy);
    TempDir d;
    std::vector<uint64_t> positions;
    {
      auto w = WalWriter::Open({d.path, *ParseFsyncPolicy(policy), 64 << 20, nullptr});
      REQUIRE(w.ok());
      for (int i = 0; i < 50; ++i) {
        uint64_t pos;
        REQUIRE((*w)->Append(kPushRecord, Payload(i), &pos).ok());
        positions.push_back(pos);
      }
      REQUIRE((*w)->Close().ok());
    }
    auto recs = ReadAllRecords(d.path);
    REQUIRE(recs.size() == 50);
    for (int i = 0; i < 50; ++i) {
      CHECK(recs[i].first == positions[i]);
      CHECK(recs[i].second == Payload(i));
    }
  }
  CHECK_FALSE(ParseFsyncPolicy("sometimes").ok());
}

TEST_CASE("wal: group commit batches concurrent appends", "[wal]") {
  TempDir d;
  auto w = WalWriter::Open({d.path, FsyncPolicy::kGroup, 64 << 20, nullptr});
  REQUIRE(w.ok());
  std::vector<std::thread> ts;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t)
    ts.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i)
        if (!(*w)->Append(kPushRecord, Payload(t * 1000 + i), nullptr).ok()) failures++;
    });
  for (auto& t : ts) t.join();
  CHECK(failures == 0);
  auto st = (*w)->stats();
  CHECK(st.records == 800);
  CHECK(st.fsyncs <= 800);
  REQUIRE((*w)->Close().ok());
  auto recs = ReadAllRecords(d.path);
  CHECK(recs.size() == 800);
  for (size_t i = 1; i < recs.size(); ++i) CHECK(recs[i - 1].first < recs[i].first);
}

TEST_CASE("wal: segments roll at the size and old ones can be removed", "[wal]") {
  TempDir d;
  auto w = WalWriter::Open({d.path, FsyncPolicy::kGroup, 4096, nullptr});
  REQUIRE(w.ok());
  uint64_t pos = 0;
  for (int i = 0; i < 100; ++i) REQUIRE((*w)->Append(kPushRecord, std::string(200, 'a' + i % 26), &pos).ok());
  uint64_t cur = (*w)->current_segment();
  CHECK(cur >= 5);
  CHECK(PosSegment(pos) == cur);
  REQUIRE((*w)->RemoveSegmentsBefore(cur).ok());
  auto segs = ListSegments(fs::FileSystem::Default(), d.path);
  REQUIRE(segs.ok());
  CHECK(*segs == std::vector<uint64_t>{cur});
  REQUIRE((*w)->Close().ok());
  // A new writer starts after the highest segment.
  auto w2 = WalWriter::Open({d.path, FsyncPolicy::kGroup, 4096, nullptr});
  REQUIRE(w2.ok());
  CHECK((*w2)->current_segment() == cur + 1);
}

TEST_CASE("wal: a flipped byte is reported at the record's offset and the tail truncated", "[wal][corruption]") {
  TempDir d;
  std::vector<uint64_t> pos(10);
  {
    auto w = WalWriter::Open({d.path, FsyncPolicy::kGroup, 64 << 20, nullptr});
    REQUIRE(w.ok());
    for (int i = 0; i < 10; ++i) REQUIRE((*w)->Append(kPushRecord, Payload(i), &pos[i]).ok());
  }
  std::string seg = SegmentPath(d.path, PosSegment(pos[0]));
  struct Case { const char* what; uint64_t delta; };
  // Flip in the payload, in the CRC, in the length: each is caught at record 6.
  for (Case c : {Case{"payload", kRecordHeaderSize + 3}, Case{"crc", 5}, Case{"length", 1}}) {
    INFO(c.what);
    TempDir copy;
    std::filesystem::copy(seg, copy / std::filesystem::path(seg).filename().string());
    std::string p = copy / std::filesystem::path(seg).filename().string();
    FlipByte(p, PosOffset(pos[6]) + c.delta);
    ReplayReport rep;
    auto recs = ReadAllRecords(copy.path, &rep);
    CHECK(recs.size() == 6);
    REQUIRE(rep.problems.size() == 1);
    CHECK(rep.corruption.code() == Code::kCorruption);
    CHECK(rep.problems[0].find("offset " + std::to_string(PosOffset(pos[6]))) != std::string::npos);
    CHECK(std::filesystem::file_size(p) == PosOffset(pos[6]));
    ReplayReport again;
    CHECK(ReadAllRecords(copy.path, &again).size() == 6);
    CHECK(again.problems.empty());
  }
}

TEST_CASE("wal: a torn tail stops replay cleanly at the last good record", "[wal][corruption]") {
  TempDir d;
  std::vector<uint64_t> pos(5);
  {
    auto w = WalWriter::Open({d.path, FsyncPolicy::kNever, 64 << 20, nullptr});
    REQUIRE(w.ok());
    for (int i = 0; i < 5; ++i) REQUIRE((*w)->Append(kPushRecord, Payload(i + 10), &pos[i]).ok());
  }
  std::string seg = SegmentPath(d.path, PosSegment(pos[0]));
  std::string whole = *fs::FileSystem::Default()->ReadAll(seg);
  struct Case { uint64_t cut; const char* why; };
  for (Case c : {Case{whole.size() - 1, "runs past end"}, Case{PosOffset(pos[4]) + 4, "torn record header"},
                 Case{PosOffset(pos[4]) + kRecordHeaderSize + 2, "runs past end"}}) {
    INFO(c.cut);
    std::ofstream(seg, std::ios::binary | std::ios::trunc).write(whole.data(), static_cast<std::streamsize>(c.cut));
    ReplayReport rep;
    auto recs = ReadAllRecords(d.path, &rep);
    CHECK(recs.size() == 4);
    REQUIRE(rep.problems.size() == 1);
    CHECK(rep.problems[0].find(c.why) != std::string::npos);
    CHECK(std::filesystem::file_size(seg) == PosOffset(pos[4]));
  }
  // Zero-filled tail (a pre-allocated or half-written page).
  std::filesystem::resize_file(seg, PosOffset(pos[4]) + 100);
  ReplayReport rep;
  CHECK(ReadAllRecords(d.path, &rep).size() == 4);
  REQUIRE(rep.problems.size() == 1);
  CHECK(rep.problems[0].find("zero-filled") != std::string::npos);
}

TEST_CASE("wal: a failed fsync is reported to the waiter and stays failed", "[wal][faults]") {
  TempDir d;
  skald::testing::FaultyFileSystem ffs;
  auto w = WalWriter::Open({d.path, FsyncPolicy::kGroup, 64 << 20, &ffs});
  REQUIRE(w.ok());
  REQUIRE((*w)->Append(kPushRecord, "ok", nullptr).ok());
  ffs.fail_sync = true;
  Status st = (*w)->Append(kPushRecord, "lost", nullptr);
  CHECK(st.code() == Code::kIOError);
  ffs.fail_sync = false;
  CHECK_FALSE((*w)->Append(kPushRecord, "after", nullptr).ok());
}

TEST_CASE("wal: push record payload round trip", "[wal]") {
  LabelSet a(std::vector<Label>{{"app", "x"}, {"env", "prod"}}), b(std::vector<Label>{{"job", "y"}});
  LogEntry e1{100, "first line", {}}, e2{50, "older, with metadata", {{"trace_id", "abc"}, {"user", "u1"}}},
      e3{-5, "", {}};
  std::vector<StreamEntriesRef> refs{{&a, {&e1, &e2}}, {&b, {&e3}}};
  std::string payload;
  EncodePushRecord("tenant-1", refs, &payload);
  std::string tenant;
  std::vector<LogStream> out;
  REQUIRE(DecodePushRecord(payload, &tenant, &out).ok());
  CHECK(tenant == "tenant-1");
  REQUIRE(out.size() == 2);
  CHECK(out[0].labels == a);
  CHECK(out[0].entries == std::vector<LogEntry>{e1, e2});
  CHECK(out[1].entries == std::vector<LogEntry>{e3});
  for (size_t cut = 0; cut < payload.size(); ++cut)
    CHECK_FALSE(DecodePushRecord(std::string_view(payload).substr(0, cut), &tenant, &out).ok());
}

TEST_CASE("wal: an empty dir starts at min_seq, a dir with later segments past them", "[wal]") {
  TempDir d;
  WalOptions o{d.path, FsyncPolicy::kGroup, 64 << 20, nullptr};
  o.min_seq = 7;
  uint64_t pos = 0;
  {
    auto w = WalWriter::Open(o);
    REQUIRE(w.ok());
    CHECK((*w)->current_segment() == 7);
    REQUIRE((*w)->Append(kPushRecord, Payload(1), &pos).ok());
    CHECK(PosSegment(pos) == 7);
    REQUIRE((*w)->Close().ok());
  }
  o.min_seq = 3;   // lower than what is on disk: the segments present win
  auto w = WalWriter::Open(o);
  REQUIRE(w.ok());
  CHECK((*w)->current_segment() == 8);
  REQUIRE((*w)->Close().ok());
}

TEST_CASE("wal: an idle writer rolls to a new segment so the old one can go", "[wal]") {
  TempDir d;
  auto w = WalWriter::Open({d.path, FsyncPolicy::kGroup, 64 << 20, nullptr});
  REQUIRE(w.ok());
  const uint64_t first = (*w)->current_segment();
  CHECK_FALSE((*w)->RollIfIdle());               // nothing but the header: no roll
  uint64_t pos = 0;
  for (int i = 0; i < 5; ++i) REQUIRE((*w)->Append(kPushRecord, Payload(i), &pos).ok());
  REQUIRE((*w)->RollIfIdle());
  CHECK((*w)->current_segment() == first + 1);
  CHECK_FALSE((*w)->RollIfIdle());               // the new segment is still empty
  REQUIRE((*w)->RemoveSegmentsBefore((*w)->current_segment()).ok());
  auto segs = ListSegments(fs::FileSystem::Default(), d.path);
  REQUIRE(segs.ok());
  CHECK(segs->empty());                          // the new one is created with its first record
  REQUIRE((*w)->Append(kPushRecord, Payload(7), &pos).ok());
  CHECK(PosSegment(pos) == first + 1);
  REQUIRE((*w)->Close().ok());
  auto recs = ReadAllRecords(d.path);
  REQUIRE(recs.size() == 1);
  CHECK(recs[0].first == pos);
  CHECK(recs[0].second == Payload(7));
}
