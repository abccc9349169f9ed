// The real skald-store under continuous ingestion: `skald-store backup` snapshots it online, `check`
// passes on the snapshot (and names a flipped byte), `restore` + a new store returns every line
// acknowledged before the backup started, once.
#include <catch.hpp>
#include <httplib.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "store/backup/sqlite_copy.h"
#include "tests/e2e/store_under_test.h"

using namespace skald::e2e;

namespace {

// Small chunks, blocks and WAL segments, so flushes, rolls and WAL truncation run during the test.
const char* const kSmallChunks =
    "ingester:\n  chunk_block_size: 4KB\n  chunk_target_size: 8KB\n  chunk_idle_period: 1s\n"
    "  max_chunk_age: 2s\n  wal:\n    segment_size: 64KB\n";

// Pushes batches of 2 streams x 25 lines `id=<n>` until stopped; records acknowledged ids.
void PushLoop(int port, int64_t base, std::atomic<bool>& stop, std::atomic<int>& next, std::set<int>& acked,
              std::mutex& mu) {
  httplib::Client cli("127.0.0.1", port);
  cli.set_read_timeout(10, 0);
  while (!stop.load()) {
    std::vector<int> ids;
    const std::string body = IdBatchBody("bk", 25, " padding padding padding padding padding", base, next, &ids);
    PushAcked(cli, body, ids, &acked, &mu);
  }
}

// Every line of {job="bk"} via the export endpoint: id -> times seen.
std::map<int, int> ExportIds(int port, int64_t start, int64_t end) {
  httplib::Client cli("127.0.0.1", port);
  cli.set_read_timeout(60, 0);
  httplib::Params p{{"query", R"({job="bk"})"}, {"start", std::to_string(start)}, {"end", std::to_string(end)}};
  auto res = cli.Get("/skald/api/v1/export", p, httplib::Headers{});
  REQUIRE(res);
  REQUIRE(res->status == 200);
  std::map<int, int> seen;
  size_t pos = 0;
  while ((pos = res->body.find("\"line\":\"id=", pos)) != std::string::npos) {
    pos += 11;
    seen[std::stoi(res->body.substr(pos, 12))]++;
  }
  return seen;
}

}  // namespace

TEST_CASE("backup: online snapshot under ingestion restores every acknowledged line", "[e2e][backup]") {
  TempDir dir("skald-backup");
  const std::string d = dir.path();
  StoreUnderTest store(d, "a");
  const int port = store.port();
  store.Configure(d + "/data", false, kSmallChunks);
  const int64_t base = NowNs() - 600'000'000'000LL;
  REQUIRE(store.Start());

  std::set<int> acked;
  std::mutex mu;
  std::atomic<int> next{0};
  std::atomic<bool> stop{false};
  std::thread pusher(PushLoop, port, base, std::ref(stop), std::ref(next), std::ref(acked), std::ref(mu));
  // Wait until the store has flushed chunks, so the snapshot holds chunk files as well as WAL.
  int64_t chunks = 0;
  for (int i = 0; i < 200 && chunks == 0; i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    (void)skald::backup::QueryDb(d + "/data/index.db", "SELECT count(*) FROM chunks",
                                 [&](sqlite3_stmt* s) { chunks = sqlite3_column_int64(s, 0); });
  }
  REQUIRE(chunks > 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  std::set<int> before;
  {
    std::lock_guard<std::mutex> l(mu);
    before = acked;
  }
  int rc = RunTool({"backup", "-server", store.url(), "-out", d + "/snap"},
                   d + "/tool.log");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));    // pushes keep going after it
  stop = true;
  pusher.join();
  INFO(ReadFile(d + "/tool.log"));
  REQUIRE(rc == 0);
  REQUIRE(before.size() > 500);
  REQUIRE(store.Stop() == 0);

  REQUIRE(RunTool({"check", "-path", d + "/snap"}, d + "/check.log") == 0);
  CHECK(ReadFile(d + "/check.log").find(", 0 problems") != std::string::npos);
  REQUIRE(RunTool({"restore", "-from", d + "/snap", "-to", d + "/restored"}, d + "/tool.log") == 0);
  CHECK(RunTool({"restore", "-from", d + "/snap", "-to", d + "/restored"}, d + "/tool.log") == 1);

  StoreUnderTest restored(d, "b");
  restored.Configure(d + "/restored", false, kSmallChunks);
  REQUIRE(restored.Start());
  std::map<int, int> seen = ExportIds(restored.port(), base, base + next.load() + 1);
  const IdLoss loss = CompareIds(before, seen);
  INFO("acked before backup " << before.size() << ", restored " << seen.size());
  CHECK(loss.missing == 0);
  CHECK(loss.dups == 0);
  CHECK(restored.Stop() == 0);

  // A flipped byte in a snapshot chunk: check names the file and exits 1.
  std::string file;
  uint64_t offset = 0, length = 0;
  REQUIRE(skald::backup::QueryDb(d + "/snap/index.db", "SELECT file, offset, length FROM chunks LIMIT 1",
                                 [&](sqlite3_stmt* s) {
    file = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    offset = uint64_t(sqlite3_column_int64(s, 1));
    length = uint64_t(sqlite3_column_int64(s, 2));
  }).ok());
  REQUIRE_FALSE(file.empty());   // the store flushed chunks before the backup
  FlipByte(d + "/snap/chunks/" + file, offset + length - 2);
  CHECK(RunTool({"check", "-path", d + "/snap"}, d + "/check2.log") == 1);
  std::string out = ReadFile(d + "/check2.log");
  INFO(out);
  CHECK(out.find("chunks/" + file + " offset " + std::to_string(offset)) != std::string::npos);
  CHECK(out.find("MANIFEST: chunks/" + file + ": crc32c") != std::string::npos);
}
