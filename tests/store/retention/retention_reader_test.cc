// RetentionReader over a real Ingester on a temp dir with a fake clock: expired data and lines of
// delete requests disappear from entries, summaries, stats and label lookups at once.
#include <catch.hpp>

#include "store/retention/retention_files.h"
#include "store/retention/retention_reader.h"
#include "tests/store/head/head_test_util.h"

using namespace skald;
using namespace skald::retention;
using skald::testing::Pairs;

namespace {

constexpr int64_t kDay = 24LL * 3600 * 1000000000LL;
constexpr int64_t kNow = 20000 * kDay;

LabelSet L(const std::string& s) { return *LabelSet::Parse(s); }

struct Fixture {
  testing::TempDir dir;
  std::atomic<int64_t> clock{kNow};
  std::unique_ptr<head::Ingester> ing;
  std::unique_ptr<DeleteRequests> deletes;
  std::shared_ptr<const RetentionPolicy> policy;
  std::unique_ptr<RetentionReader> reader;

  Fixture() {
    ing = testing::OpenIngester(testing::Options(dir.path, &clock));
    auto rules = LoadRetentionRulesFile(std::string(SKALD_SOURCE_DIR) + "/configs/retention-rules.yaml");
    REQUIRE(rules.ok());
    policy = std::make_shared<const RetentionPolicy>(30 * kDay, std::vector<StreamRule>{}, *rules,
                                                     std::map<std::string, TenantRetention>{});
    auto d = DeleteRequests::Open(dir / "deletes.db");
    REQUIRE(d.ok());
    deletes = std::move(*d);
    RetentionReaderOptions o;
    o.inner = ing.get();
    o.policy = [this] { return policy; };
    o.deletes = deletes.get();
    o.labels_of = [this](uint64_t id, LabelSet* out) {
      index::StreamRecord r;
      if (!ing->index_db()->GetStream(id, &r)) return false;
      *out = r.labels;
      return true;
    };
    o.now_ns = [this] { return clock.load(); };
    reader = std::make_unique<RetentionReader>(std::move(o));
  }

  Pairs Read(const LabelSet& ls, int64_t start = INT64_MIN, int64_t end = INT64_MAX) {
    Pairs out;
    uint64_t id = testing::StreamId(*ing, "fake", ls);
    auto it = reader->Entries("fake", id, start, end, Direction::kForward);
    while (it->Next()) out.emplace_back(it->At().ts_ns, std::string(it->At().line));
    REQUIRE(it->status().ok());
    return out;
  }
  int64_t Count(const LabelSet& ls, int64_t start, int64_t end) {
    auto sums = reader->Summaries("fake", testing::StreamId(*ing, "fake", ls), start, end);
    REQUIRE(sums.ok());
    int64_t n = 0;
    for (const auto& s : *sums) n += s.entries;
    return n;
  }
};

}  // namespace

TEST_CASE("31-day-old data disappears under 30d, 89-day-old postgres data stays under 90d") {
  Fixture f;
  LabelSet graf = L(R"({service="grafana", level="INFO"})"), pg = L(R"({service="postgres", level="INFO"})");
  REQUIRE(testing::PushOne(*f.ing, "fake", graf, {{kNow - 31 * kDay, "old"}, {kNow - kDay, "new"}}).ok());
  REQUIRE(testing::PushOne(*f.ing, "fake", pg, {{kNow - 91 * kDay, "too old"}, {kNow - 89 * kDay, "kept"}}).ok());
  for (bool flushed : {false, true}) {
    if (flushed) REQUIRE(f.ing->FlushAll().ok());
    INFO("flushed " << flushed);
    CHECK(f.Read(graf) == Pairs{{kNow - kDay, "new"}});
    CHECK(f.Read(pg) == Pairs{{kNow - 89 * kDay, "kept"}});
    CHECK(f.Count(graf, 0, INT64_MAX) == 1);
    CHECK(f.Count(pg, 0, INT64_MAX) == 1);
    auto streams = f.reader->Streams("fake", {}, kNow - 40 * kDay, kNow - 20 * kDay);
    REQUIRE(streams.ok());
    CHECK(streams->empty());
    auto inner = f.ing->Streams("fake", {}, kNow - 40 * kDay, kNow - 20 * kDay);
    CHECK(inner->size() == 1);   // the ingester alone still has it
    auto values = f.reader->LabelValues("fake", "service", {}, kNow - 100 * kDay, kNow - 20 * kDay);
    REQUIRE(values.ok());
    CHECK(*values == std::vector<std::string>{"postgres"});
    auto stats = f.reader->Stats("fake", {}, 0, INT64_MAX);
    REQUIRE(stats.ok());
    CHECK(stats->entries == 2);
  }
  f.clock += 2 * kDay;   // postgres' line turns 91 days old
  CHECK(f.Read(pg).empty());
}

TEST_CASE("delete requests hide matching lines at once, in entries and summaries") {
  Fixture f;
  f.policy = std::make_shared<const RetentionPolicy>();   // no retention: only deletes apply
  LabelSet a = L(R"({service="api"})"), b = L(R"({service="web"})");
  Pairs lines;
  for (int i = 0; i < 10; ++i) lines.emplace_back(kNow - kDay + i, i % 2 ? "user=bob secret=1" : "user=amy");
  REQUIRE(testing::PushOne(*f.ing, "fake", a, lines).ok());
  REQUIRE(testing::PushOne(*f.ing, "fake", b, lines).ok());
  REQUIRE(f.ing->FlushAll().ok());
  CHECK(f.Count(a, 0, INT64_MAX) == 10);

  auto r = f.deletes->Add("fake", R"({service="api"} |= "secret")", kNow - kDay + 2, kNow - kDay + 7, kNow);
  REQUIRE(r.ok());
  Pairs want;
  for (auto& [ts, l] : lines)
    if (!(ts >= kNow - kDay + 2 && ts <= kNow - kDay + 7 && l.find("secret") != std::string::npos)) want.emplace_back(ts, l);
  CHECK(f.Read(a) == want);
  CHECK(f.Count(a, 0, INT64_MAX) == static_cast<int64_t>(want.size()));
  CHECK(f.Read(b) == lines);   // other streams untouched
  CHECK(f.deletes->Add("other", R"({service="api"})", 0, kNow, kNow).ok());
  CHECK(f.Read(a) == want);    // another tenant's request does not apply

  REQUIRE(f.deletes->Cancel("fake", r->id, kNow, kDay).ok());
  CHECK(f.Read(a) == lines);
  CHECK_FALSE(f.deletes->Add("fake", R"(sum(rate({a="b"}[1m])))", 0, 1, kNow).ok());
}

// Loki's query-time filter follows the tenant's deletion_mode: a disabled tenant's requests are not
// applied (its delete API is closed too); filter-only and filter-and-delete both filter.
TEST_CASE("deletion_mode: queries filter delete requests unless the tenant's mode is disabled") {
  Fixture f;
  LabelSet a = L(R"({service="api"})");
  Pairs lines = {{kNow - kDay, "keep"}, {kNow - kDay + 1, "secret"}, {kNow - kDay + 2, "keep too"}};
  REQUIRE(testing::PushOne(*f.ing, "fake", a, lines).ok());
  REQUIRE(f.ing->FlushAll().ok());
  REQUIRE(f.deletes->Add("fake", R"({service="api"} |= "secret")", kNow - 2 * kDay, kNow, kNow).ok());
  auto policy = [](DeletionMode global, std::optional<DeletionMode> tenant) {
    std::map<std::string, TenantRetention> t;
    t["fake"].deletion_mode = tenant;
    return std::make_shared<const RetentionPolicy>(0, std::vector<StreamRule>{}, std::vector<StreamRule>{}, t, global);
  };
  const Pairs filtered = {lines[0], lines[2]};
  struct Case { DeletionMode global; std::optional<DeletionMode> tenant; bool filters; } cases[] = {
      {DeletionMode::kFilterAndDelete, std::nullopt, true},
      {DeletionMode::kFilterOnly, std::nullopt, true},
      {DeletionMode::kDisabled, std::nullopt, false},
      {DeletionMode::kFilterAndDelete, DeletionMode::kDisabled, false},
      {DeletionMode::kDisabled, DeletionMode::kFilterOnly, true}};
  for (const auto& c : cases) {
    INFO("global " << DeletionModeName(c.global) << ", tenant " << (c.tenant ? DeletionModeName(*c.tenant) : "-"));
    f.policy = policy(c.global, c.tenant);
    CHECK(f.Read(a) == (c.filters ? filtered : lines));
    CHECK(f.Count(a, 0, INT64_MAX) == (c.filters ? 2 : 3));
  }
}

#include "store/query/engine.h"

TEST_CASE("metric and log queries through the engine see neither expired nor deleted lines") {
  Fixture f;
  f.policy = std::make_shared<const RetentionPolicy>(30 * kDay, std::vector<StreamRule>{}, std::vector<StreamRule>{},
                                                     std::map<std::string, TenantRetention>{});
  LabelSet ls = L(R"({app="x"})");
  Pairs all;
  for (int i = 0; i < 120; ++i) all.emplace_back(kNow - 35 * kDay + i * (kDay / 12), i % 7 ? "ok" : "drop me");
  for (size_t i = 0; i < all.size(); i += 10) {   // 12 chunks, one straddling the cutoff
    REQUIRE(testing::PushOne(*f.ing, "fake", ls, Pairs(all.begin() + i, all.begin() + i + 10)).ok());
    REQUIRE(f.ing->FlushAll().ok());
  }
  REQUIRE(f.deletes->Add("fake", R"({app="x"} |= "drop")", kNow - 29 * kDay, kNow, kNow).ok());
  auto visible = [&](int64_t lo, int64_t hi) {
    int64_t n = 0;
    for (auto& [ts, l] : all)
      if (ts > lo && ts <= hi && ts >= kNow - 30 * kDay && !(ts >= kNow - 29 * kDay && l == "drop me")) ++n;
    return n;
  };
  query::Engine eng(f.reader.get(), query::EngineOptions{});
  query::QueryRequest req;
  req.tenant = "fake";
  req.query = R"(sum(count_over_time({app="x"}[40d])))";
  req.start_ns = req.end_ns = kNow;
  req.instant = true;
  auto r = eng.Exec(req);
  REQUIRE(r.ok());
  REQUIRE(r->vector.size() == 1);
  CHECK(r->vector[0].v == static_cast<double>(visible(kNow - 40 * kDay, kNow)));

  req.query = R"(sum(count_over_time({app="x"}[1d])))";
  req.instant = false;
  req.start_ns = kNow - 30 * kDay;
  req.step_ns = kDay / 2;
  r = eng.Exec(req);
  REQUIRE(r.ok());
  REQUIRE(r->matrix.size() == 1);
  for (const auto& p : r->matrix[0].points) {
    int64_t t = p.t_ms * 1000000;
    INFO("t=" << (kNow - t) / (kDay / 2) << " half-days ago");
    CHECK(p.v == static_cast<double>(visible(t - kDay, t)));
  }

  req.query = R"({app="x"})";
  req.limit = 1000;
  req.start_ns = kNow - 30 * kDay - kDay / 48;   // 30 minutes past the cutoff, within 721h
  r = eng.Exec(req);
  INFO(r.status().message());
  REQUIRE(r.ok());
  size_t lines = 0;
  for (const auto& s : r->streams) lines += s.entries.size();
  CHECK(static_cast<int64_t>(lines) == visible(req.start_ns - 1, kNow));
}
