// Sample extraction for metric queries: count, bytes, unwrap with conversions, post-unwrap filters,
// SampleExtractionErr, grouping.
#include <catch.hpp>

#include "tests/common/logql/log/test_util.h"

using namespace skald;
using namespace skald::logql::log;

namespace {

struct Sample {
  bool ok = false;
  double value = 0;
  std::string labels;
};

Sample Extract(const std::string& query, const std::string& line) {
  auto e = logql::ParseSampleExpr(query);
  INFO(query << ": " << e.status().message());
  REQUIRE(e.ok());
  REQUIRE((*e)->kind == logql::ExprKind::kRangeAggregation);
  auto x = BuildSampleExtractor((*e)->As<logql::RangeAggregationExpr>());
  INFO(x.status().message());
  REQUIRE(x.ok());
  auto ls = LabelSet::Parse(R"({app="web"})");
  auto sx = x->ForStream(*ls);
  Sample s;
  const LabelSet* labels = nullptr;
  s.ok = sx->Process(0, line, nullptr, &s.value, &labels);
  if (s.ok) s.labels = labels->ToString();
  return s;
}

}  // namespace

TEST_CASE("sample extraction") {
  struct Case { std::string query, line; bool ok; double value; std::string labels; };
  std::vector<Case> cases = {
      {R"(count_over_time({app="web"}[1m]))", "abc", true, 1, R"({app="web"})"},
      {R"(bytes_over_time({app="web"}[1m]))", "abcd", true, 4, R"({app="web"})"},
      {R"(count_over_time({app="web"} |= "x" [1m]))", "abc", false, 0, ""},
      {R"(sum_over_time({app="web"} | logfmt | unwrap n [1m]))", "n=2.5 k=v", true, 2.5, R"({app="web", k="v"})"},
      {R"(sum_over_time({app="web"} | logfmt | unwrap duration(d) [1m]))", "d=1m30s", true, 90, ""},
      {R"(sum_over_time({app="web"} | logfmt | unwrap duration_seconds(d) [1m]))", "d=250ms", true, 0.25, ""},
      {R"(sum_over_time({app="web"} | logfmt | unwrap bytes(b) [1m]))", "b=1KiB", true, 1024, ""},
      {R"(sum_over_time({app="web"} | logfmt | unwrap n [1m]))", "other=1", false, 0, ""},
      {R"(sum_over_time({app="web"} | logfmt | unwrap n | __error__="" [1m]))", "n=abc", false, 0, ""},
      {R"(max_over_time({app="web"} | logfmt | unwrap n [1m]) by (k))", "n=3 k=v z=1", true, 3, R"({k="v"})"},
      {R"(max_over_time({app="web"} | logfmt | unwrap n [1m]) without (k))", "n=3 k=v z=1", true, 3,
       R"({app="web", z="1"})"},
  };
  for (const auto& c : cases) {
    INFO(c.query << " on " << c.line);
    Sample s = Extract(c.query, c.line);
    CHECK(s.ok == c.ok);
    if (!s.ok || !c.ok) continue;
    CHECK(s.value == Approx(c.value));
    if (!c.labels.empty()) CHECK(s.labels == c.labels);
  }
  Sample bad = Extract(R"(sum_over_time({app="web"} | logfmt | unwrap n [1m]))", "n=abc");
  REQUIRE(bad.ok);
  CHECK(bad.labels.find(R"(__error__="SampleExtractionErr")") != std::string::npos);
}
