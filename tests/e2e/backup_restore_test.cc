// The real skald-store under continuous ingestion: `skald-store backup` snapshots it online, `check`
// passes on the snapshot (and names a flipped byte), `restore` + a new store returns every line
// acknowledged before the backup started, once.
#include <catch.hpp>
#include <httplib.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "store/backup/sqlite_copy.h"
#include "tests/e2e/process.h"

using namespace skald::e2e;

namespace {

// Small chunks, blocks and WAL segments, so flushes, rolls and WAL truncation run during the test.
std::string Config(const std::string& data, int port) {
  return "auth_enabled: false\nserver:\n  http_listen_port: " + std::to_string(port) +
         "\ncommon:\n  path_prefix: " + data +
         "\ningester:\n  chunk_block_size: 4KB\n  chunk_target_size: 8KB\n  chunk_idle_period: 1s\n"
         "  max_chunk_age: 2s\n  wal:\n    segment_size: 64KB\n";
}

// Pushes batches of 2 streams x 25 lines `id=<n>` until stopped; records acknowledged ids.
void PushLoop(int port, int64_t base, std::atomic<bool>& stop, std::atomic<int>& next, std::set<int>& acked,
              std::mutex& mu) {
  httplib::Client cli("127.0.0.1", port);
  cli.set_read_timeout(10, 0);
  while (!stop.load()) {
    std::vector<int> ids;
    std::string body = R"({"streams":[)";
    for (int s = 0; s < 2; ++s) {
      body += std::string(s ? "," : "") + R"({"stream":{"job":"bk","s":")" + std::to_string(s) + R"("},"values":[)";
      for (int i = 0; i < 25; ++i) {
        int id = next.fetch_add(1);
        ids.push_back(id);
        body += std::string(i ? "," : "") + "[\"" + std::to_string(base + id) + "\",\"id=" + std::to_string(id) +
                " padding padding padding padding padding\"]";
      }
      body += "]}";
    }
    body += "]}";
    auto res = cli.Post("/loki/api/v1/push", body, "application/json");
    if (res && res->status == 204) {
      std::lock_guard<std::mutex> l(mu);
      acked.insert(ids.begin(), ids.end());
    }
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
  const int port = FreePort();
  WriteFile(d + "/a.yaml", Config(d + "/data", port));
  const int64_t base = NowNs() - 600'000'000'000LL;
  Process store({BinPath("skald-store"), "-config.file=" + d + "/a.yaml"}, d + "/a.log");
  REQUIRE(WaitReady(port, 15000));

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
  int rc = RunTool({"backup", "-server", "http://127.0.0.1:" + std::to_string(port), "-out", d + "/snap"},
                   d + "/tool.log");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));    // pushes keep going after it
  stop = true;
  pusher.join();
  INFO(ReadFile(d + "/tool.log"));
  REQUIRE(rc == 0);
  REQUIRE(before.size() > 500);
  store.Kill(SIGTERM);
  REQUIRE(store.Wait() == 0);

  REQUIRE(RunTool({"check", "-path", d + "/snap"}, d + "/check.log") == 0);
  CHECK(ReadFile(d + "/check.log").find(", 0 problems") != std::string::npos);
  REQUIRE(RunTool({"restore", "-from", d + "/snap", "-to", d + "/restored"}, d + "/tool.log") == 0);
  CHECK(RunTool({"restore", "-from", d + "/snap", "-to", d + "/restored"}, d + "/tool.log") == 1);

  const int port2 = FreePort();
  WriteFile(d + "/b.yaml", Config(d + "/restored", port2));
  Process restored({BinPath("skald-store"), "-config.file=" + d + "/b.yaml"}, d + "/b.log");
  REQUIRE(WaitReady(port2, 15000));
  std::map<int, int> seen = ExportIds(port2, base, base + next.load() + 1);
  int missing = 0, dups = 0;
  for (int id : before) missing += seen.count(id) ? 0 : 1;
  for (auto& [id, n] : seen) dups += n > 1 ? 1 : 0;
  INFO("acked before backup " << before.size() << ", restored " << seen.size());
  CHECK(missing == 0);
  CHECK(dups == 0);
  restored.Kill(SIGTERM);
  CHECK(restored.Wait() == 0);

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
  {
    std::fstream f(d + "/snap/chunks/" + file, std::ios::in | std::ios::out | std::ios::binary);
    const auto at = static_cast<std::streamoff>(offset + length - 2);
    f.seekg(at);
    char c = static_cast<char>(f.get() ^ 0x5a);
    f.seekp(at);
    f.put(c);
  }
  CHECK(RunTool({"check", "-path", d + "/snap"}, d + "/check2.log") == 1);
  std::string out = ReadFile(d + "/check2.log");
  INFO(out);
  CHECK(out.find("chunks/" + file + " offset " + std::to_string(offset)) != std::string::npos);
  CHECK(out.find("MANIFEST: chunks/" + file + ": crc32c") != std::string::npos);
}
