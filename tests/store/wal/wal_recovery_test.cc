// WAL failure episodes: a failed write or fsync loses exactly the records not yet durable, cuts
// them off the disk before anyone is answered, refuses appends, and recovers on a fresh segment.
#include <catch.hpp>

#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "store/wal/wal_format.h"
#include "store/wal/wal_reader.h"
#include "store/wal/wal_writer.h"
#include "tests/store/wal/temp_dir.h"

using namespace skald;
using namespace skald::wal;
using skald::testing::FaultyFileSystem;
using skald::testing::TempDir;

namespace {

std::vector<std::string> Replayed(const std::string& dir, bool truncate, size_t* problems = nullptr) {
  std::vector<std::string> out;
  auto r = ReplayWal(fs::FileSystem::Default(), dir, truncate, [&](const WalRecord& rec) {
    out.emplace_back(rec.payload);
    return Status::Ok();
  });
  REQUIRE(r.ok());
  if (problems != nullptr) *problems = r->problems.size();
  return out;
}

std::unique_ptr<WalWriter> OpenWal(const std::string& dir, FaultyFileSystem* ffs, FsyncPolicy policy,
                                   int64_t segment_size = 64 << 20) {
  WalOptions o{dir, policy, segment_size, ffs};
  o.retry_initial_ms = 10;
  o.retry_max_ms = 40;
  auto w = WalWriter::Open(std::move(o));
  REQUIRE(w.ok());
  return std::move(*w);
}

bool WaitWritable(WalWriter& w, int ms = 5000) {
  for (int i = 0; i < ms / 5 && w.blocked(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  return !w.blocked();
}

}  // namespace

TEST_CASE("wal recovery: a failed fsync loses only the unsynced record and a fresh segment takes over",
          "[wal][faults]") {
  for (FsyncPolicy policy : {FsyncPolicy::kGroup, FsyncPolicy::kAlways}) {
    INFO(static_cast<int>(policy));
    TempDir d;
    FaultyFileSystem ffs;
    auto w = OpenWal(d.path, &ffs, policy);
    REQUIRE(w->Append(kPushRecord, "acked-1", nullptr).ok());
    ffs.fail_sync = true;
    CHECK(w->Append(kPushRecord, "lost", nullptr).code() == Code::kIOError);
    CHECK(w->blocked());
    CHECK(w->failure().message().find("injected: fsync failed") != std::string::npos);
    // Cut off before the waiter was answered: a crash now would not bring "lost" back.
    CHECK(Replayed(d.path, false) == std::vector<std::string>{"acked-1"});
    WalWriter::Ticket refused = w->Enqueue(kPushRecord, "refused");
    CHECK(refused.id == 0);
    CHECK_FALSE(w->Wait(refused).ok());
    ffs.fail_sync = false;
    REQUIRE(WaitWritable(*w));
    CHECK(w->stats().recoveries == 1);
    CHECK(w->stats().write_failures >= 1);
    uint64_t pos = 0;
    REQUIRE(w->Append(kPushRecord, "acked-2", &pos).ok());
    CHECK(PosSegment(pos) > 1);   // a fresh segment, never the failed one
    REQUIRE(w->Close().ok());
    size_t problems = 9;
    CHECK(Replayed(d.path, true, &problems) == std::vector<std::string>{"acked-1", "acked-2"});
    CHECK(problems == 0);
  }
}

TEST_CASE("wal recovery: a disk filling up mid-record leaves no torn tail, retries until space is back",
          "[wal][faults]") {
  TempDir d;
  FaultyFileSystem ffs;
  auto w = OpenWal(d.path, &ffs, FsyncPolicy::kGroup);
  REQUIRE(w->Append(kPushRecord, std::string(1000, 'a'), nullptr).ok());
  ffs.space_budget = 500;   // half of the next record fits
  CHECK_FALSE(w->Append(kPushRecord, std::string(1000, 'b'), nullptr).ok());
  CHECK(w->blocked());
  ffs.space_budget = 0;     // still full: retries fail (the fresh segment's header does not fit)
  for (int i = 0; i < 1000 && w->stats().write_failures < 3; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(w->stats().write_failures >= 3);
  CHECK(w->blocked());
  CHECK_FALSE(w->Append(kPushRecord, "refused while full", nullptr).ok());
  ffs.space_budget = -1;    // space freed
  REQUIRE(WaitWritable(*w));
  REQUIRE(w->Append(kPushRecord, "c", nullptr).ok());
  REQUIRE(w->Close().ok());
  size_t problems = 9;
  CHECK(Replayed(d.path, true, &problems) == std::vector<std::string>{std::string(1000, 'a'), "c"});
  CHECK(problems == 0);
}

TEST_CASE("wal recovery: under concurrent appends and flapping faults, replay equals what was acknowledged",
          "[wal][faults]") {
  for (FsyncPolicy policy : {FsyncPolicy::kGroup, FsyncPolicy::kAlways}) {
    INFO(static_cast<int>(policy));
    TempDir d;
    FaultyFileSystem ffs;
    auto w = OpenWal(d.path, &ffs, policy, 8 << 10);   // small segments: failures land on rolls too
    std::mutex mu;
    std::set<std::string> acked;
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int t = 0; t < 4; ++t) {
      writers.emplace_back([&, t] {
        for (int i = 0; i < 400; ++i) {
          std::string rec = std::to_string(t) + "-" + std::to_string(i) + std::string(static_cast<size_t>(i % 50), 'x');
          if (!w->Append(kPushRecord, rec, nullptr).ok()) continue;
          std::lock_guard<std::mutex> lk(mu);
          acked.insert(rec);
        }
      });
    }
    std::thread flapper([&] {
      for (int round = 0; !stop; ++round) {
        std::this_thread::sleep_for(std::chrono::milliseconds(3));
        if (round % 2 == 0) ffs.fail_sync = !ffs.fail_sync;
        else ffs.space_budget = ffs.space_budget < 0 ? 300 : -1;
      }
    });
    for (auto& t : writers) t.join();
    stop = true;
    flapper.join();
    ffs.fail_sync = false;
    ffs.space_budget = -1;
    REQUIRE(WaitWritable(*w));
    REQUIRE(w->Close().ok());
    auto got = Replayed(d.path, true);
    CHECK(std::set<std::string>(got.begin(), got.end()) == acked);
    CHECK(got.size() == acked.size());
    CHECK(w->stats().write_failures > 0);
  }
}
