// The compactor on a real Ingester in a temp dir with a fake clock: retention marks then sweeps
// after the delay, delete requests remove lines from disk, sealed days with small chunks or
// scattered files are rewritten into one file with every live line kept.
#include <catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>

#include "common/metrics.h"
#include "store/compactor/compactor.h"
#include "tests/store/head/head_test_util.h"
#include "tests/test_support.h"

using namespace skald;
using skald::testing::Pairs;

namespace {

constexpr int64_t kDay = 24LL * 3600 * 1000000000LL;
constexpr int64_t kHour = 3600LL * 1000000000LL;
constexpr int64_t kNow = 20000 * kDay + 12 * kHour;

LabelSet L(const std::string& s) { return *LabelSet::Parse(s); }

struct Fixture {
  testing::TempDir dir;
  std::atomic<int64_t> clock{kNow};
  std::unique_ptr<head::Ingester> ing;
  std::unique_ptr<retention::DeleteRequests> deletes;
  std::shared_ptr<const retention::RetentionPolicy> policy = std::make_shared<const retention::RetentionPolicy>();
  std::unique_ptr<compactor::Compactor> comp;

  int64_t delay_ns;
  int64_t target_size = 1572864;
  explicit Fixture(int64_t delay) : delay_ns(delay) {
    Open();
    auto d = retention::DeleteRequests::Open(dir / "deletes.db");
    REQUIRE(d.ok());
    deletes = std::move(*d);
    OpenCompactor();
  }
  void OpenCompactor() {
    comp.reset();
    compactor::CompactorOptions o;
    o.index = ing->index_db();
    o.files = ing->chunk_files();
    o.paused = [this](const std::function<Status()>& fn) { return ing->WithFlushesPaused(fn); };
    o.policy = [this] { return policy; };
    o.deletes = deletes.get();
    o.working_dir = dir / "compactor";
    o.cfg.retention_enabled = true;
    o.cfg.retention_delete_delay_ns = delay_ns;
    o.now_ns = [this] { return clock.load(); };
    o.target_size = target_size;
    auto c = compactor::Compactor::Open(std::move(o));
    REQUIRE(c.ok());
    comp = std::move(*c);
  }
  void Open() { ing = testing::OpenIngester(testing::Options(dir / "data", &clock)); }
  compactor::CompactorRunStats Run() {
    auto s = comp->RunOnce();
    if (!s.ok()) FAIL(s.status().message());
    return *s;
  }
  // Chunk files per day directory.
  std::map<std::string, int> Files() {
    std::map<std::string, int> out;
    for (auto& e : std::filesystem::recursive_directory_iterator(dir / "data/chunks"))
      if (e.is_regular_file()) out[e.path().parent_path().filename().string()]++;
    return out;
  }
  std::map<std::string, Pairs> All() {
    std::map<std::string, Pairs> out;
    auto ss = ing->Streams("fake", {}, INT64_MIN, INT64_MAX);
    REQUIRE(ss.ok());
    for (const auto& s : *ss) out[s.labels.ToString()] = testing::Read(*ing, "fake", s.labels, Direction::kForward);
    return out;
  }
  int64_t Rows() { return static_cast<int64_t>(ing->index_db()->ChunkRows("")->size()); }
};

std::string Tag(char c, int k) {
  std::string s(1, c);
  s += std::to_string(k);
  return s;
}

Pairs Lines(int64_t base, int n, const std::string& tag) {
  Pairs p;
  for (int i = 0; i < n; ++i) p.emplace_back(base + i * 1000, tag + " line " + std::to_string(i));
  return p;
}

}  // namespace

TEST_CASE("retention marks expired chunks, sweeps their files after the delay, drops empty streams") {
  Fixture f(2 * kHour);
  f.policy = std::make_shared<const retention::RetentionPolicy>(30 * kDay, std::vector<retention::StreamRule>{},
                                                                std::vector<retention::StreamRule>{},
                                                                std::map<std::string, retention::TenantRetention>{});
  LabelSet app = L(R"({app="a"})"), gone = L(R"({app="gone"})");
  REQUIRE(testing::PushOne(*f.ing, "fake", app, Lines(kNow - 31 * kDay, 5, "old")).ok());
  REQUIRE(testing::PushOne(*f.ing, "fake", gone, Lines(kNow - 31 * kDay, 5, "gone")).ok());
  REQUIRE(f.ing->FlushAll().ok());
  REQUIRE(testing::PushOne(*f.ing, "fake", app, Lines(kNow - kDay, 5, "new")).ok());
  REQUIRE(f.ing->FlushAll().ok());
  const std::string old_day = compactor::UtcDay(kNow - 31 * kDay);
  REQUIRE(f.Files().count(old_day) == 1);

  auto s = f.Run();
  CHECK(s.expired_chunks == 2);
  CHECK(s.files_marked == 1);
  CHECK(s.files_deleted == 0);                 // not before retention_delete_delay
  CHECK(f.Files().count(old_day) == 1);
  CHECK(testing::Read(*f.ing, "fake", app, Direction::kForward) == Lines(kNow - kDay, 5, "new"));
  auto values = f.ing->LabelValues("fake", "app", {}, INT64_MIN, INT64_MAX);
  CHECK(*values == std::vector<std::string>{"a"});   // no chunks, no head → gone from lookups

  f.OpenCompactor();                    // the mark (and its time) survives a restart
  std::string stray = f.dir / ("data/chunks/fake/" + compactor::UtcDay(kNow - kDay) + "/compact-1-1.tmp");
  { std::ofstream(stray) << "partial rewrite"; }
  s = f.Run();
  CHECK(s.files_deleted == 0);
  CHECK_FALSE(std::filesystem::exists(stray));   // a crashed rewrite's leftovers go at once
  f.clock += 2 * kHour + 1;
  s = f.Run();
  CHECK(s.files_deleted == 1);
  CHECK(metrics::Registry::Default().Expose().find("skald_compactor_files_deleted_total") != std::string::npos);
  CHECK(s.bytes_reclaimed > 0);
  CHECK(f.Files().count(old_day) == 0);
  CHECK(testing::Read(*f.ing, "fake", app, Direction::kForward) == Lines(kNow - kDay, 5, "new"));
}

// Loki runs a compaction pass at start-up: a store restarted with expired data on disk must not
// keep it for another compaction_interval (10m by default here, far beyond this test's patience).
TEST_CASE("Start runs the first pass at once: expired data on disk is marked and swept") {
  Fixture f(0);
  f.policy = std::make_shared<const retention::RetentionPolicy>(30 * kDay, std::vector<retention::StreamRule>{},
                                                                std::vector<retention::StreamRule>{},
                                                                std::map<std::string, retention::TenantRetention>{});
  LabelSet app = L(R"({app="a"})");
  REQUIRE(testing::PushOne(*f.ing, "fake", app, Lines(kNow - 40 * kDay, 5, "expired")).ok());
  REQUIRE(f.ing->FlushAll().ok());
  REQUIRE(testing::PushOne(*f.ing, "fake", app, Lines(kNow - kDay, 5, "kept")).ok());
  REQUIRE(f.ing->FlushAll().ok());
  std::string old_file;
  for (auto& e : std::filesystem::recursive_directory_iterator(f.dir / "data/chunks"))
    if (e.is_regular_file() && e.path().parent_path().filename() == compactor::UtcDay(kNow - 40 * kDay)) old_file = e.path();
  REQUIRE_FALSE(old_file.empty());
  REQUIRE(f.Rows() == 2);

  const auto started = std::chrono::steady_clock::now();
  f.comp->Start();
  const auto returned = std::chrono::steady_clock::now();
  const bool swept = skald::test_support::WaitFor([&] { return !std::filesystem::exists(old_file); });
  f.comp->Stop();
  CHECK(returned - started < std::chrono::seconds(1));   // the pass runs on the compactor's thread
  CHECK(swept);
  CHECK(f.Rows() == 1);
  CHECK(testing::Read(*f.ing, "fake", app, Direction::kForward) == Lines(kNow - kDay, 5, "kept"));
}

TEST_CASE("delete requests: processed after the cancel period, lines removed from disk, files bounded") {
  Fixture f(0);
  LabelSet a = L(R"({app="a"})"), b = L(R"({app="b"})");
  const int64_t day = kNow - 3 * kDay;
  for (int k = 0; k < 3; ++k) {       // three chunks per stream on a sealed day
    REQUIRE(testing::PushOne(*f.ing, "fake", a, Lines(day + k * kHour, 50, "a" + std::to_string(k))).ok());
    REQUIRE(testing::PushOne(*f.ing, "fake", b, Lines(day + k * kHour, 50, "b" + std::to_string(k))).ok());
    REQUIRE(f.ing->FlushAll().ok());
  }
  auto before = f.All();
  for (int k = 0; k < 3; ++k)
    REQUIRE(f.deletes->Add("fake", R"({app="a"} |~ "line [0-9]$")", day + k * kHour, day + k * kHour + 4000, kNow).ok());
  auto s = f.Run();
  CHECK(s.requests_processed == 0);     // still cancellable
  f.clock += kDay + 1;
  s = f.Run();
  CHECK(s.requests_processed == 3);
  CHECK(s.deleted_lines == 15);         // lines 0..4 of each chunk, in each window
  auto listed = f.deletes->List("fake");
  REQUIRE(listed.ok());
  for (const auto& r : *listed) CHECK(r.status == "processed");
  auto after = f.All();
  CHECK(after[b.ToString()] == before[b.ToString()]);
  Pairs want;
  for (const auto& [ts, l] : before[a.ToString()])
    if ((ts - day) % kHour > 4000) want.emplace_back(ts, l);
  CHECK(after[a.ToString()] == want);   // read from the chunks directly: gone from disk
  CHECK(f.Files()[compactor::UtcDay(day)] == 1);

  REQUIRE(f.ing->Close().ok());          // and it survives a restart
  f.ing.reset();
  f.Open();
  CHECK(f.All() == after);
}

// Loki's deletion_mode: only filter-and-delete removes lines from disk; filter-only (and disabled)
// requests stay "received" however long they are due, until the tenant's mode changes.
TEST_CASE("deletion_mode: due requests are applied to disk only in filter-and-delete mode") {
  Fixture f(0);
  LabelSet a = L(R"({app="a"})");
  const int64_t day = kNow - 3 * kDay;
  Pairs lines;
  for (int i = 0; i < 10; ++i) lines.emplace_back(day + i * 1000, i % 2 ? "secret " + std::to_string(i) : "kept");
  REQUIRE(testing::PushOne(*f.ing, "fake", a, lines).ok());
  REQUIRE(f.ing->FlushAll().ok());
  const auto before = f.All();
  REQUIRE(f.deletes->Add("fake", R"({app="a"} |= "secret")", day, day + kHour, kNow).ok());
  f.clock += kDay + 1;   // past the cancel period: due
  using retention::DeletionMode;
  auto policy = [](DeletionMode global, std::optional<DeletionMode> tenant) {
    std::map<std::string, retention::TenantRetention> t;
    t["fake"].deletion_mode = tenant;
    return std::make_shared<const retention::RetentionPolicy>(0, std::vector<retention::StreamRule>{},
                                                              std::vector<retention::StreamRule>{}, t, global);
  };
  struct Case { DeletionMode global; std::optional<DeletionMode> tenant; } kept[] = {
      {DeletionMode::kFilterOnly, std::nullopt}, {DeletionMode::kDisabled, std::nullopt},
      {DeletionMode::kFilterAndDelete, DeletionMode::kFilterOnly}};
  for (const auto& c : kept) {
    INFO("global " << retention::DeletionModeName(c.global));
    f.policy = policy(c.global, c.tenant);
    auto s = f.Run();
    CHECK(s.requests_processed == 0);
    CHECK(s.requests_filter_only == 1);
    CHECK(f.deletes->List("fake")->at(0).status == "received");
    CHECK(f.All() == before);                                    // read from the chunks: still on disk
    CHECK(metrics::Registry::Default().Expose().find("skald_compactor_delete_requests_filter_only 1") != std::string::npos);
  }
  f.policy = policy(DeletionMode::kFilterOnly, DeletionMode::kFilterAndDelete);   // the tenant's override wins
  auto s = f.Run();
  CHECK(s.requests_processed == 1);
  CHECK(s.deleted_lines == 5);
  CHECK(f.deletes->List("fake")->at(0).status == "processed");
  Pairs want;
  for (const auto& p : lines)
    if (p.second == "kept") want.push_back(p);
  CHECK(f.All()[a.ToString()] == want);
}

TEST_CASE("compaction merges small chunks of sealed days, keeps every line, leaves today alone") {
  Fixture f(0);
  std::vector<LabelSet> streams = {L(R"({app="a"})"), L(R"({app="b", level="INFO"})"), L(R"({app="c"})")};
  for (int d : {4, 3, 0}) {
    for (int k = 0; k < 6; ++k) {
      for (size_t i = 0; i < streams.size(); ++i)
        REQUIRE(testing::PushOne(*f.ing, "fake", streams[i],
                                 Lines(kNow - d * kDay - 6 * kHour + k * 60000000000LL + static_cast<int64_t>(i), 30,
                                       std::to_string(d) + "/" + std::to_string(k))).ok());
      REQUIRE(f.ing->FlushAll().ok());
    }
  }
  auto before = f.All();
  REQUIRE(f.Rows() == 3 * 3 * 6);
  auto s = f.Run();
  CHECK(s.days_compacted == 2);
  CHECK(s.chunks_rewritten == 6);
  CHECK(f.Rows() == 6 + 3 * 6);          // 1 chunk per stream per sealed day; today untouched
  CHECK(s.files_deleted == 2);
  for (const auto& [d, n] : f.Files()) CHECK(n == 1);
  CHECK(f.All() == before);
  s = f.Run();
  CHECK(s.days_compacted == 0);           // stable: nothing left to do
  REQUIRE(f.ing->Close().ok());
  f.ing.reset();
  f.Open();
  CHECK(f.All() == before);
}

TEST_CASE("a sealed day left mostly dead by retention is rewritten and its old file swept") {
  Fixture f(0);
  auto rules = retention::CompileStreamRules({{R"({app="a"})", 1, 2 * kDay}}, "test");
  REQUIRE(rules.ok());
  f.policy = std::make_shared<const retention::RetentionPolicy>(
      0, *rules, std::vector<retention::StreamRule>{}, std::map<std::string, retention::TenantRetention>{});
  LabelSet a = L(R"({app="a"})"), b = L(R"({app="b"})");
  const int64_t day = kNow - 3 * kDay;
  for (int k = 0; k < 3; ++k) {
    REQUIRE(testing::PushOne(*f.ing, "fake", a, Lines(day + k * kHour, 400, "expiring " + std::to_string(k))).ok());
    REQUIRE(f.ing->FlushAll().ok());
  }
  REQUIRE(testing::PushOne(*f.ing, "fake", b, Lines(day, 20, "kept")).ok());
  REQUIRE(f.ing->FlushAll().ok());
  auto size = [&] {
    uint64_t n = 0;
    for (auto& e : std::filesystem::recursive_directory_iterator(f.dir / "data/chunks"))
      if (e.is_regular_file()) n += e.file_size();
    return n;
  };
  uint64_t before = size();
  auto s = f.Run();
  CHECK(s.expired_chunks == 3);
  CHECK(s.days_compacted == 1);           // one live chunk in a mostly dead file
  CHECK(s.files_deleted == 1);
  CHECK(f.Files()[compactor::UtcDay(day)] == 1);
  CHECK(size() * 4 < before);
  CHECK(testing::Read(*f.ing, "fake", b, Direction::kForward) == Lines(day, 20, "kept"));
  CHECK(testing::Read(*f.ing, "fake", a, Direction::kForward).empty());
}

TEST_CASE("compaction while pushes and flushes go on loses no line") {
  Fixture f(0);
  LabelSet b = L(R"({app="b"})");
  auto a_of = [](int k) { return L("{app=\"a\", d=\"" + std::to_string(k % 3) + "\"}"); };   // one stream per day
  std::atomic<bool> stop{false};
  std::atomic<int> rounds{0};
  std::atomic<bool> failed{false};
  std::thread pusher([&] {   // no Catch assertions off the main thread
    for (int k = 0; (!stop.load() || k < 20) && !failed.load(); ++k) {
      // old data for sealed days (the compactor rewrites them) and data for today
      bool ok = testing::PushOne(*f.ing, "fake", a_of(k), Lines(kNow - (2 + k % 3) * kDay + k * 100000, 20, Tag('a', k))).ok() &&
                testing::PushOne(*f.ing, "fake", b, Lines(kNow - kHour + k * 100000, 20, Tag('b', k))).ok() &&
                f.ing->FlushAll().ok();
      if (!ok) failed = true;
      else rounds = k + 1;
    }
  });
  for (int i = 0; i < 15; ++i) (void)f.Run();
  stop = true;
  pusher.join();
  REQUIRE_FALSE(failed.load());
  (void)f.Run();
  std::map<std::string, Pairs> want;
  for (int k = 0; k < rounds.load(); ++k) {
    for (auto& p : Lines(kNow - (2 + k % 3) * kDay + k * 100000, 20, Tag('a', k))) want[a_of(k).ToString()].push_back(p);
    for (auto& p : Lines(kNow - kHour + k * 100000, 20, Tag('b', k))) want[b.ToString()].push_back(p);
  }
  for (auto& [k, v] : want) std::sort(v.begin(), v.end());
  CHECK(f.All() == want);
  for (const auto& [d, n] : f.Files()) CHECK(n <= 2);
}

// A retried push can land the same (ts, line) in two chunks. Reads show it once (the merge
// iterator drops it) and the count path declines overlapping runs; a merge that put both copies
// in one block would make count_over_time (per-block runs) count it twice.
TEST_CASE("merging chunks that share a duplicate entry keeps runs and entries in agreement") {
  Fixture f(0);
  LabelSet a = L(R"({app="dup"})");
  const int64_t base = kNow - 3 * kDay;
  for (int k = 0; k < 6; ++k) {
    Pairs p = Lines(base + k * 100000000LL, 10, Tag('c', k));
    if (k > 0) p.insert(p.begin(), {base + (k - 1) * 100000000LL + 9000, Tag('c', k - 1) + " line 9"});
    REQUIRE(testing::PushOne(*f.ing, "fake", a, p).ok());
    REQUIRE(f.ing->FlushAll().ok());
  }
  auto count_by_runs = [&]() -> int64_t {   // the query path's rule: overlapping runs → entries
    auto runs = f.ing->Runs("fake", testing::StreamId(*f.ing, "fake", a), INT64_MIN, INT64_MAX);
    REQUIRE(runs.ok());
    int64_t n = 0;
    for (size_t i = 0; i < runs->size(); ++i) {
      if (i > 0 && (*runs)[i]->summary.min_ts_ns <= (*runs)[i - 1]->summary.max_ts_ns) return -1;
      n += (*runs)[i]->summary.entries;
    }
    return n;
  };
  REQUIRE(testing::Read(*f.ing, "fake", a, Direction::kForward).size() == 60);
  CHECK(count_by_runs() == -1);            // before: the copies sit in different chunks
  auto s = f.Run();
  REQUIRE(s.days_compacted == 1);
  CHECK(testing::Read(*f.ing, "fake", a, Direction::kForward).size() == 60);
  int64_t runs = count_by_runs();
  CHECK((runs == -1 || runs == 60));
}

// Readers hold chunk refs from the index while the compactor swaps rows and marks old files: with
// a delete delay every read sees each line exactly once and never fails.
TEST_CASE("reads running during compaction never fail and never lose or double a line") {
  Fixture f(2 * kHour);
  LabelSet a = L(R"({app="r"})");
  std::atomic<int> pushed{0}, pushing{0};   // chunks fully pushed; chunks whose push began
  std::atomic<bool> stop{false}, bad{false};
  std::string why;
  auto push = [&](int k) {
    pushing = k + 1;
    REQUIRE(testing::PushOne(*f.ing, "fake", a, Lines(kNow - 2 * kDay + k * 100000000LL, 10, Tag('r', k))).ok());
    REQUIRE(f.ing->FlushAll().ok());
    pushed = k + 1;
  };
  for (int k = 0; k < 8; ++k) push(k);
  uint64_t id = testing::StreamId(*f.ing, "fake", a);
  std::thread reader([&] {
    while (!stop.load() && !bad.load()) {
      int before = pushed.load();
      auto it = f.ing->Entries("fake", id, INT64_MIN, INT64_MAX, Direction::kForward);
      std::set<std::pair<int64_t, std::string>> seen;
      int64_t n = 0;
      while (it->Next()) ++n, seen.emplace(it->At().ts_ns, std::string(it->At().line));
      int after = pushing.load();
      if (!it->status().ok() || n != static_cast<int64_t>(seen.size()) || n < before * 10 || n > after * 10) {
        why = it->status().message() + " n=" + std::to_string(n) + " before=" + std::to_string(before);
        bad = true;
      }
    }
  });
  for (int k = 8; k < 20 && !bad.load(); ++k) {
    push(k);
    (void)f.Run();
  }
  stop = true;
  reader.join();
  INFO(why);
  CHECK_FALSE(bad.load());
}

// Chunks that compress very well hit the merge's raw-bytes cap (16 × target) while still small on
// disk: the day must not count as needing a rewrite again on every pass.
TEST_CASE("a sealed day whose small chunks cannot be merged further is not rewritten every pass") {
  Fixture f(0);
  f.target_size = 4096;
  f.OpenCompactor();
  LabelSet a = L(R"({app="squeezed"})");
  const int64_t base = kNow - 3 * kDay;
  for (int k = 0; k < 6; ++k) {
    Pairs p;
    for (int i = 0; i < 40; ++i) p.emplace_back(base + k * 100000000LL + i * 1000, std::string(2000, 'x') + std::to_string(i));
    REQUIRE(testing::PushOne(*f.ing, "fake", a, p).ok());
    REQUIRE(f.ing->FlushAll().ok());
  }
  auto before = f.All();
  (void)f.Run();
  auto s = f.Run();
  CHECK(s.days_compacted == 0);
  CHECK(f.All() == before);
}

TEST_CASE("a delete request stuck on a corrupt chunk does not stop retention sweeps") {
  Fixture f(2 * kHour);
  f.policy = std::make_shared<const retention::RetentionPolicy>(30 * kDay, std::vector<retention::StreamRule>{},
                                                                std::vector<retention::StreamRule>{},
                                                                std::map<std::string, retention::TenantRetention>{});
  LabelSet old_app = L(R"({app="old"})"), b = L(R"({app="b"})");
  REQUIRE(testing::PushOne(*f.ing, "fake", old_app, Lines(kNow - 31 * kDay, 5, "old")).ok());
  REQUIRE(f.ing->FlushAll().ok());
  const int64_t day = kNow - 3 * kDay;
  REQUIRE(testing::PushOne(*f.ing, "fake", b, Lines(day, 50, "b")).ok());
  REQUIRE(f.ing->FlushAll().ok());
  // Flip the last byte of b's day file: inside its only block's compressed data.
  std::string bad;
  for (auto& e : std::filesystem::recursive_directory_iterator(f.dir / "data/chunks"))
    if (e.is_regular_file() && e.path().parent_path().filename() == compactor::UtcDay(day)) bad = e.path();
  REQUIRE(!bad.empty());
  {
    std::fstream io(bad, std::ios::in | std::ios::out | std::ios::binary);
    io.seekg(-1, std::ios::end);
    char c = 0;
    io.get(c);
    io.seekp(-1, std::ios::end);
    io.put(static_cast<char>(c ^ 0x5a));
  }
  REQUIRE(f.deletes->Add("fake", R"({app="b"} |= "line 1")", day, day + 60000, kNow).ok());
  f.clock += kDay + 1;                         // past the cancel period: the request is due
  auto s = f.comp->RunOnce();
  CHECK_FALSE(s.ok());                         // the delete cannot read b's chunk
  const std::string old_day = compactor::UtcDay(kNow - 31 * kDay);
  CHECK(f.Files().count(old_day) == 1);        // marked, not yet past the delay
  f.clock += 2 * kHour + 1;
  s = f.comp->RunOnce();
  CHECK_FALSE(s.ok());                         // still stuck on the corrupt chunk, reported each pass
  CHECK(f.Files().count(old_day) == 0);        // but the expired file was swept anyway
  auto listed = f.deletes->List("fake");
  REQUIRE(listed.ok());
  CHECK(listed->at(0).status == "received");   // retried next pass; queries keep filtering meanwhile
}
