// Online snapshots in-process: flushed chunks and WAL-only entries both come back after restore,
// including while a pusher and the flush loop run; restore refuses bad targets and tampered files.
#include <catch.hpp>

#include <atomic>
#include <fstream>
#include <thread>

#include "store/backup/check.h"
#include "store/backup/manifest.h"
#include "store/backup/restore.h"
#include "store/backup/file_copy.h"
#include "store/backup/snapshot.h"
#include "store/wal/wal_format.h"
#include "store/wal/wal_reader.h"
#include "store/wal/wal_writer.h"
#include "tests/store/backup/backup_test_util.h"

using namespace skald;
using namespace skald::testing;

namespace {

Pairs Expected(int k, int from, int to) {
  Pairs p;
  for (int i = from; i < to; i++) p.emplace_back(kBackupT0 + i, LineText(k, i));
  return p;
}

}  // namespace

TEST_CASE("snapshot: chunks and WAL-only entries survive backup and restore", "[backup][snapshot]") {
  TempDir d;
  auto ing = OpenIngester(Options(d / "data", nullptr));
  PushLines(*ing, 2, 0, 300);
  REQUIRE(ing->FlushAll().ok());
  PushLines(*ing, 2, 300, 400);            // only in the WAL and the heads
  auto rep = backup::TakeSnapshot(*ing, d / "snap");
  REQUIRE(rep.ok());
  CHECK(rep->chunk_files == 1);
  CHECK(rep->wal_segments >= 1);
  CHECK_FALSE(std::filesystem::exists(d / "snap/.staging"));
  PushLines(*ing, 2, 400, 500);            // after the snapshot: not in it
  REQUIRE(ing->FlushAll().ok());

  auto check = backup::Check(d / "snap");
  REQUIRE(check.ok());
  INFO(backup::FormatCheckReport(*check));
  CHECK(check->ok());
  CHECK(check->has_manifest);

  auto restored = backup::Restore(d / "snap", d / "restored");
  REQUIRE(restored.ok());
  CHECK(restored->files == rep->files);
  auto back = OpenIngester(Options(d / "restored", nullptr));
  for (int k = 0; k < 2; k++) CHECK(Read(*back, "fake", App(k), Direction::kForward) == Expected(k, 0, 400));
}

TEST_CASE("snapshot: every push acknowledged before the backup is in it, under load", "[backup][snapshot]") {
  TempDir d;
  auto opts = Options(d / "data", nullptr);
  opts.run_flush_loop = true;
  opts.flush_interval_ms = 1;
  opts.memory_budget = 16 << 10;           // flush often, so chunks are written during the backup
  opts.cfg.wal_segment_size = 32 << 10;    // and WAL segments roll and get truncated
  auto ing = OpenIngester(opts);
  std::atomic<int> acked{0};
  std::atomic<bool> stop{false};
  std::thread pusher([&] {
    for (int i = 0; !stop.load(); i += 20) {
      PushLines(*ing, 2, i, i + 20);
      acked.store(i + 20);
    }
  });
  while (acked.load() < 2000) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const int before = acked.load();
  auto rep = backup::TakeSnapshot(*ing, d / "snap");
  stop = true;
  pusher.join();
  REQUIRE(rep.ok());
  REQUIRE(ing->Close().ok());
  auto check = backup::Check(d / "snap");   // a push in flight at the pause was cut off cleanly
  REQUIRE(check.ok());
  INFO(backup::FormatCheckReport(*check));
  CHECK(check->ok());

  REQUIRE(backup::Restore(d / "snap", d / "restored").ok());
  auto back = OpenIngester(Options(d / "restored", nullptr));
  for (int k = 0; k < 2; k++) {
    Pairs got = Read(*back, "fake", App(k), Direction::kForward);
    INFO("stream " << k << ": acked before the backup " << before << ", restored " << got.size());
    REQUIRE(got.size() >= static_cast<size_t>(before));
    got.resize(static_cast<size_t>(before));
    CHECK(got == Expected(k, 0, before));   // a prefix: nothing lost, nothing duplicated
  }
}

TEST_CASE("snapshot and restore refuse non-empty targets, restore rejects tampered files", "[backup][snapshot]") {
  TempDir d;
  auto ing = OpenIngester(Options(d / "data", nullptr));
  PushLines(*ing, 1, 0, 50);
  REQUIRE(ing->FlushAll().ok());
  std::filesystem::create_directories(d / "busy");
  std::ofstream(d / "busy/x") << "x";
  CHECK(backup::TakeSnapshot(*ing, d / "busy").status().code() == Code::kInvalidArgument);
  REQUIRE(backup::TakeSnapshot(*ing, d / "snap").ok());
  CHECK(backup::Restore(d / "snap", d / "busy").status().code() == Code::kInvalidArgument);
  CHECK(backup::Restore(d / "data", d / "r0").status().code() == Code::kNotFound);   // no MANIFEST

  auto chunks = IndexedChunks(d / "snap");
  REQUIRE_FALSE(chunks.empty());
  FlipByte(d / "snap/chunks/" + chunks[0].file, chunks[0].offset + 30);
  auto r = backup::Restore(d / "snap", d / "r1");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("chunks/" + chunks[0].file + ": crc32c") != std::string::npos);
  CHECK(std::filesystem::is_empty(d / "r1"));
}

TEST_CASE("snapshot: a half-written last WAL record is cut off the copy", "[backup][snapshot]") {
  TempDir d;
  {
    auto w = wal::WalWriter::Open({d.path, wal::FsyncPolicy::kNever, 64 << 20, nullptr});
    REQUIRE(w.ok());
    uint64_t pos;
    for (int i = 0; i < 3; i++) REQUIRE((*w)->Append(1, "record " + std::to_string(i), &pos).ok());
    REQUIRE((*w)->Close().ok());
  }
  auto segs = wal::ListSegments(fs::FileSystem::Default(), d.path);
  REQUIRE(segs.ok());
  REQUIRE(segs->size() == 1);
  const uint64_t seq = segs->front();
  const std::string path = wal::SegmentPath(d.path, seq);
  uint64_t clean_size;
  uint32_t clean_crc;
  REQUIRE(backup::FileCrc(path, &clean_size, &clean_crc).ok());

  struct Case {
    const char* name;
    std::string tail;
  };
  for (const Case& c : std::vector<Case>{{"clean", ""},
                                         {"torn record header", std::string("\x20\x00\x00", 3)},
                                         {"torn payload", std::string("\x20\x00\x00\x00\x11\x22\x33\x44\x01pay", 12)}}) {
    INFO(c.name);
    std::string copy = d / (std::string("copy-") + std::to_string(c.tail.size()));
    std::filesystem::copy_file(path, copy);
    std::ofstream(copy, std::ios::app | std::ios::binary) << c.tail;
    backup::ManifestFile entry{"wal/x", clean_size + c.tail.size(), 0};
    bool keep = false;
    REQUIRE(backup::TrimTornWalTail(copy, seq, &entry, &keep).ok());
    CHECK(keep);
    CHECK(std::filesystem::file_size(copy) == clean_size);
    if (!c.tail.empty()) {
      CHECK(entry.size == clean_size);
      CHECK(entry.crc32c == clean_crc);
    }
  }
  std::string header_only = d / "torn-header";
  std::ofstream(header_only, std::ios::binary) << "SKW";
  backup::ManifestFile entry{"wal/y", 3, 0};
  bool keep = true;
  REQUIRE(backup::TrimTornWalTail(header_only, seq, &entry, &keep).ok());
  CHECK_FALSE(keep);
  CHECK_FALSE(std::filesystem::exists(header_only));
}
