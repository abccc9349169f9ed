// The query limits over HTTP: query_timeout answers 504 and the bytes budgets 400, each with Loki's
// plain-text message (the engine side is tested in tests/store/query/query_limits_test.cc).
#include <catch.hpp>

#include "tests/store/api/query_api_test_util.h"

namespace skald::api::testing {
namespace {

void SeedLines(skald::testing::FakeStoreReader& r) {
  std::vector<LogEntry> es;
  for (int64_t i = 0; i < 5000; i++) es.push_back({i * 1000000LL, "line number " + std::to_string(i), {}});
  r.Push("fake", *LabelSet::Parse(R"({app="a"})"), es);
}

const char* kFiltered = "/loki/api/v1/query_range?query=%7Bapp%3D%22a%22%7D%20%7C%3D%20%22zzz%22&start=0&end=10";

TEST_CASE("query limits over HTTP: 504 on query_timeout, 400 on the bytes budgets") {
  ApiServer timed(false, [](QueryDeps& d) { d.limits.query_timeout_ns = 1; });
  SeedLines(timed.reader);
  auto res = timed.Client().Get(kFiltered);
  REQUIRE(res);
  CHECK(res->status == 504);
  CHECK(res->body ==
        "Request timed out, decrease the duration of the request or add more label matchers (prefer exact "
        "match over regex match) to reduce the amount of data processed.");

  ApiServer querier(false, [](QueryDeps& d) { d.limits.max_querier_bytes_read = 10000; });
  SeedLines(querier.reader);
  res = querier.Client().Get(kFiltered);
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(res->body.rfind("query too large to execute on a single querier: (query: ", 0) == 0);
  CHECK(res->body.find("limit: 9.8 KiB)") != std::string::npos);
  // Without a filter the same selector is not limited, as in Loki.
  res = querier.Client().Get("/loki/api/v1/query_range?query=%7Bapp%3D%22a%22%7D&start=0&end=10");
  REQUIRE(res);
  CHECK(res->status == 200);

  ApiServer query(false, [](QueryDeps& d) { d.limits.max_query_bytes_read = 10000; });
  SeedLines(query.reader);
  res = query.Client().Get(kFiltered);
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(res->body.rfind("the query would read too many bytes (query: ", 0) == 0);
  CHECK(res->body.find("limit: 9.8 KiB); consider adding more specific stream selectors or reduce the time "
                       "range of the query") != std::string::npos);
}

}  // namespace
}  // namespace skald::api::testing
