// Query limits on a real on-disk store: timeout and cancel stop heavy queries fast with all workers
// joined; bytes, memory and series budgets refuse with their messages; `sum` folded into the scan.
#include <catch.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <thread>

#include "store/query/engine.h"
#include "tests/store/head/head_test_util.h"

namespace skald::query {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int64_t kSec = 1000000000LL;
constexpr int64_t kDay = 86400 * kSec;
constexpr int64_t kBase = 1700000000LL * kSec;
constexpr int kStreams = 16;
constexpr int kPerStream = 100000;

// 16 streams x 100k JSON lines (~140 MB) spread over 30 days, in chunk files. Built once.
struct BigStore {
  testing::TempDir dir;
  std::unique_ptr<head::Ingester> ing;
  BigStore() {
    auto o = testing::Options(dir.path, nullptr);
    o.cfg.wal_enabled = false;
    ing = testing::OpenIngester(o);
    const int64_t gap = 30 * kDay / kPerStream;
    for (int s = 0; s < kStreams; s++) {
      LabelSet ls({{"job", "big"}, {"pod", "p" + std::to_string(10 + s)}});
      for (int b = 0; b < kPerStream; b += 10000) {
        testing::Pairs batch;
        for (int i = b; i < b + 10000; i++) {
          batch.emplace_back(kBase + i * gap + s, "{\"level\":\"" + std::string(i % 7 ? "info" : "warn") +
                             "\",\"msg\":\"request " + std::to_string(i) + " served\",\"path\":\"/api/v1/items/" +
                             std::to_string(i * 31 % 9973) + "\",\"dur\":\"" + std::to_string(i % 97) + "ms\"}");
        }
        REQUIRE(testing::PushOne(*ing, "fake", ls, std::move(batch)).ok());
        REQUIRE(ing->FlushAll().ok());   // a chunk per 3 days: index estimates follow the range
      }
    }
  }
};

BigStore& Store() {
  static BigStore s;
  return s;
}

QueryRequest Request(const std::string& query, int64_t span_ns = 30 * kDay) {
  QueryRequest q;
  q.tenant = "fake";
  q.query = query;
  q.start_ns = kBase;
  q.end_ns = kBase + span_ns;
  q.step_ns = 3600 * kSec;
  q.limit = 100;
  return q;
}

size_t ThreadCount() {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/task")) n++;
  return n;
}

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// Heavy (seconds unbounded): every line parsed, nothing kept, so the whole 30 days are scanned.
const char* kHeavyLog = "{job=\"big\"} | json | line_format \"{{.msg}} {{.path}}\" |= \"nomatch\"";
const char* kHeavyMetric =
    "sum by (lvl) (count_over_time({job=\"big\"} | json lvl=\"level\", d=\"dur\" | d != \"1ms\" [5m]))";
// Every line its own series (msg is unique): 1.6M series x 721 steps unbounded (many GB). `max`
// is not folded into the range aggregation as `sum` is.
const char* kSeriesBomb = "max by (level) (count_over_time({job=\"big\"} | json [5m]))";

TEST_CASE("FormatIBytes renders sizes like Loki's messages") {
  CHECK(FormatIBytes(0) == "0 B");
  CHECK(FormatIBytes(1023) == "1023 B");
  CHECK(FormatIBytes(1024) == "1.0 KiB");
  CHECK(FormatIBytes(1536) == "1.5 KiB");
  CHECK(FormatIBytes(1 << 20) == "1.0 MiB");
  CHECK(FormatIBytes(150LL * 1000 * 1000 * 1000) == "140 GiB");
}

TEST_CASE("QueryGuard: the first stop reason wins and every later check sees it") {
  auto flag = std::make_shared<CancelFlag>();
  GuardOptions o;
  o.deadline.cancel = flag;
  o.max_querier_bytes = 1000;
  QueryGuard g(o);
  CHECK(g.Check(600).ok());
  flag->Cancel();
  CHECK(g.Check(0).code() == Code::kCancelled);
  CHECK(g.Check(600).code() == Code::kCancelled);   // over budget now, but cancelled came first
  g.Stop(Status::IOError("disk"));
  CHECK(g.status().message() == kCancelledMessage);
  QueryGuard budget(GuardOptions{{}, 0, 1000});
  CHECK(budget.Check(1000).ok());
  CHECK(budget.Check(1).message() ==
        "query too large to execute on a single querier: (query: 1001 B, limit: 1000 B); consider adding "
        "more specific stream selectors, reduce the time range of the query, or adjust parallelization settings");
}

TEST_CASE("query_timeout stops a heavy 30-day query over real chunks quickly (504)") {
  EngineOptions opts;
  opts.query_timeout_ns = 100 * 1000000LL;
  Engine e(Store().ing.get(), opts);
  for (const char* query : {kHeavyLog, kHeavyMetric}) {
    INFO(query);
    const size_t threads = ThreadCount();
    auto t0 = Clock::now();
    auto r = e.Exec(Request(query));
    const double took = Ms(Clock::now() - t0);
    REQUIRE(!r.ok());
    CHECK(r.status().code() == Code::kTimeout);
    CHECK(r.status().message() == kTimeoutMessage);
    CHECK(took < 100 + 200);
    CHECK(ThreadCount() == threads);
  }
}

// Runs `query` on `par` workers, cancels it 50 ms in, and checks how it ended.
void CheckCancelled(int par, const char* query) {
  INFO(query << " parallelism " << par);
  EngineOptions opts;
  opts.parallelism = par;
  Engine e(Store().ing.get(), opts);
  auto flag = std::make_shared<CancelFlag>();
  QueryRequest q = Request(query);
  q.cancel = flag;
  const size_t threads = ThreadCount();
  std::optional<Result<QueryResult>> r;
  Clock::time_point finished;
  std::thread t([&] {
    r.emplace(e.Exec(q));
    finished = Clock::now();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const auto cancelled_at = Clock::now();
  flag->Cancel();
  t.join();
  REQUIRE(finished > cancelled_at);   // still running when cancelled: the query is heavy enough
  REQUIRE(!r->ok());
  CHECK(r->status().code() == Code::kCancelled);
  CHECK(r->status().message() == kCancelledMessage);
  CHECK(Ms(finished - cancelled_at) < 200);
  CHECK(ThreadCount() == threads);   // the engine's worker threads are all joined
}

TEST_CASE("a cancel flag set mid-query stops every worker within 200 ms (499)") {
  for (int par : {2, 4}) {
    for (const char* query : {kHeavyLog, kHeavyMetric}) CheckCancelled(par, query);
  }
}

TEST_CASE("max_querier_bytes_read stops the scan at the budget, a smaller query passes (400)") {
  EngineOptions opts;
  opts.max_querier_bytes_read = 1 << 20;
  Engine e(Store().ing.get(), opts);
  for (const char* query : {"{job=\"big\"} |= \"nomatch\"", "count_over_time({job=\"big\"} |= \"request\" [5m])"}) {
    INFO(query);
    auto big = e.Exec(Request(query));
    REQUIRE(!big.ok());
    CHECK(big.status().code() == Code::kInvalidArgument);
    CHECK(big.status().message().rfind("query too large to execute on a single querier: (query: ", 0) == 0);
    CHECK(big.status().message().find(", limit: 1.0 MiB); consider adding more specific stream selectors") !=
          std::string::npos);
    auto small = e.Exec(Request(query, 3600 * kSec));   // 1 hour: ~220 KiB of lines
    REQUIRE(small.ok());
    CHECK(small->stats.bytes_processed > 0);
    CHECK(small->stats.bytes_processed <= 1 << 20);
  }
  // Log queries without a filter are not limited (Loki's rule).
  CHECK(e.Exec(Request("{job=\"big\"}")).ok());
}

TEST_CASE("max_query_bytes_read refuses up front from the index estimate (400)") {
  Matchers ms{*Matcher::Make(MatchType::kEq, "job", "big")};
  auto whole = Store().ing->Stats("fake", ms, kBase, kBase + 30 * kDay);
  REQUIRE(whole.ok());
  EngineOptions opts;
  opts.max_query_bytes_read = whole->bytes / 2;
  opts.max_querier_bytes_read = 0;
  Engine e(Store().ing.get(), opts);
  const std::string limit = FormatIBytes(whole->bytes / 2);
  auto r = e.Exec(Request("{job=\"big\"} |= \"request\""));
  REQUIRE(!r.ok());
  CHECK(r.status().code() == Code::kInvalidArgument);
  CHECK(r.status().message() == "the query would read too many bytes (query: " + FormatIBytes(whole->bytes) +
                                    ", limit: " + limit + "); consider adding more specific stream selectors or "
                                    "reduce the time range of the query");
  auto m = e.Exec(Request("sum(rate({job=\"big\"}[1h]))"));
  REQUIRE(!m.ok());
  CHECK(m.status().message().rfind("the query would read too many bytes (query: ", 0) == 0);
  CHECK(e.Exec(Request("{job=\"big\"} |= \"request\"", kDay)).ok());
  CHECK(e.Exec(Request("{job=\"big\"}")).ok());
}

TEST_CASE("max_query_memory and an early max_query_series stop a series explosion while scanning") {
  EngineOptions opts;
  opts.max_query_memory = 64 << 20;
  Engine e(Store().ing.get(), opts);
  auto t0 = Clock::now();
  auto r = e.Exec(Request(kSeriesBomb));
  REQUIRE(!r.ok());
  CHECK(r.status().code() == Code::kInvalidArgument);
  CHECK(r.status().message().rfind("the query would hold too many step values in memory (query: ", 0) == 0);
  CHECK(r.status().message().find("limit: 64 MiB, max_query_memory)") != std::string::npos);
  INFO("memory stop after " << Ms(Clock::now() - t0) << " ms");
  CHECK(Ms(Clock::now() - t0) < 5000);   // unbounded: tens of seconds and gigabytes
  // The same series as the result itself: Loki's max_query_series, checked as the series appear.
  t0 = Clock::now();
  auto s = Engine(Store().ing.get(), EngineOptions{}).Exec(Request("count_over_time({job=\"big\"} | json [5m])"));
  REQUIRE(!s.ok());
  CHECK(s.status().message() == "maximum of series (500) reached for a single query");
  CHECK(Ms(Clock::now() - t0) < 5000);
  // Within the budget the same shape of query answers.
  auto ok = e.Exec(Request("sum by (level) (count_over_time({job=\"big\"} | json level [5m]))", kDay));
  REQUIRE(ok.ok());
  CHECK(ok->matrix.size() == 2);
}

TEST_CASE("sum by over a range aggregation is grouped while scanning: same answer, one series per group") {
  EngineOptions opts;
  opts.max_query_memory = 64 << 20;
  Engine e(Store().ing.get(), opts), unbounded(Store().ing.get(), EngineOptions{});
  for (const char* op : {"count_over_time", "rate", "bytes_over_time"}) {
    const std::string inner = std::string(op) + "({job=\"big\"} | json [5m])";
    INFO(inner);
    // Pushed down: 2 series held, not one per line (160k over 3 days: ~1.6 GB of step slots), so it
    // fits the budget.
    auto pushed = e.Exec(Request("sum by (level) (" + inner + ")", 3 * kDay));
    REQUIRE(pushed.ok());
    CHECK(pushed->matrix.size() == 2);
    auto unfolded = e.Exec(Request("sum by (level) (" + inner + " + 0)", 3 * kDay));
    REQUIRE(!unfolded.ok());
    CHECK(unfolded.status().message().find("max_query_memory") != std::string::npos);
    // `+ 0` keeps the per-line series (no push-down): the same values over 6 hours.
    auto a = unbounded.Exec(Request("sum by (level) (" + inner + ")", 6 * 3600 * kSec));
    auto b = unbounded.Exec(Request("sum by (level) (" + inner + " + 0)", 6 * 3600 * kSec));
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    REQUIRE(a->matrix.size() == b->matrix.size());
    for (size_t i = 0; i < a->matrix.size(); i++) {
      CHECK(a->matrix[i].metric == b->matrix[i].metric);
      REQUIRE(a->matrix[i].points.size() == b->matrix[i].points.size());
      for (size_t j = 0; j < a->matrix[i].points.size(); j++) {
        CHECK(a->matrix[i].points[j].t_ms == b->matrix[i].points[j].t_ms);
        CHECK(a->matrix[i].points[j].v == Approx(b->matrix[i].points[j].v).epsilon(1e-9));
      }
    }
  }
}

}  // namespace
}  // namespace skald::query
