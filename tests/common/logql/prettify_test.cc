// Prettify (format_query): short queries stay on one line, long ones split by Loki's layout rules,
// and the pretty text always parses back to the same query.
#include <catch.hpp>

#include <string>

#include "common/logql/parser.h"
#include "common/logql/printer.h"

using namespace skald::logql;

namespace {

std::string PrettyOf(const std::string& q) {
  auto e = ParseExpr(q);
  INFO(q);
  if (!e.ok()) FAIL(e.status().message());
  std::string pretty = Prettify(**e);
  auto back = ParseExpr(pretty);
  INFO(pretty);
  REQUIRE(back.ok());
  CHECK(Print(**back) == Print(**e));
  return pretty;
}

}  // namespace

TEST_CASE("prettify layout") {
  CHECK(PrettyOf(R"({job="docker"}   |=  "x")") == R"({job="docker"} |= "x")");
  CHECK(PrettyOf(R"(sum by (a) (rate({job="docker"}[5m])))") == R"(sum by (a)(rate({job="docker"}[5m])))");

  std::string long_log =
      R"({job="docker", container="some-long-container-name"} |= "some long needle" | json | status >= 500 | line_format "{{.message}}")";
  CHECK(PrettyOf(long_log) ==
        "{job=\"docker\", container=\"some-long-container-name\"}\n"
        "  |= \"some long needle\"\n"
        "  | json\n"
        "  | status>=500\n"
        "  | line_format \"{{.message}}\"");

  std::string long_metric =
      R"(sum by (container) (count_over_time({job="docker", container="some-long-container-name"} |= "needle" | json [5m])) / sum by (container) (count_over_time({job="docker"}[5m])))";
  std::string p = PrettyOf(long_metric);
  CHECK(p ==
        "  sum by (container) (\n"
        "    count_over_time({job=\"docker\", container=\"some-long-container-name\"} |= \"needle\" | json[5m])\n"
        "  )\n"
        "/\n"
        "  sum by (container)(count_over_time({job=\"docker\"}[5m]))");
}

TEST_CASE("prettify splits ranges, unwrap and label_replace") {
  std::string q =
      R"(quantile_over_time(0.99,{container="ingress-nginx",service="hosted-grafana"}| json| unwrap response_latency_seconds| __error__=""[1m] offset 20m) by (cluster))";
  CHECK(PrettyOf(q) ==
        "quantile_over_time(\n"
        "  0.99,\n"
        "  {container=\"ingress-nginx\", service=\"hosted-grafana\"} | json\n"
        "    | unwrap response_latency_seconds\n"
        "    | __error__=\"\" [1m] offset 20m\n"
        ") by (cluster)");
  std::string lr =
      R"q(label_replace(sum by (cluster) (count_over_time({container="ingress-nginx",service="hosted-grafana"} |= "a-rather-long-needle-string" [1m])), "a", "$1", "b", "(.*)"))q";
  CHECK(PrettyOf(lr) ==
        "label_replace(\n"
        "  sum by (cluster) (\n"
        "    count_over_time(\n"
        "      {container=\"ingress-nginx\", service=\"hosted-grafana\"} |= \"a-rather-long-needle-string\" [1m]\n"
        "    )\n"
        "  ),\n"
        "  \"a\",\n"
        "  \"$1\",\n"
        "  \"b\",\n"
        "  \"(.*)\"\n"
        ")");
}

TEST_CASE("prettify keeps grouping of split binary operands") {
  std::string a = R"(sum by (container) (count_over_time({job="docker", container="some-long-container-name-one"}[5m])))";
  std::string b = R"(sum by (container) (count_over_time({job="docker", container="some-long-container-name-two"}[5m])))";
  std::string q = "(" + a + " + " + b + ") * 2";
  std::string p = PrettyOf(q);
  CHECK(p.find("(\n") != std::string::npos);
}

// Found by the CI fuzz stage: a `[` inside an unwrap post-filter was taken for the range bracket.
TEST_CASE("prettify keeps a bracket inside an unwrap filter") {
  CHECK(PrettyOf(R"(quantile_over_time(0.9, {app="api"} | logfmt | unwrap duration(latency) | __error__="l[b" [10m]) by (route))") ==
        "quantile_over_time(\n"
        "  0.9,\n"
        "  {app=\"api\"} | logfmt | unwrap duration(latency) | __error__=\"l[b\" [10m]\n"
        ") by (route)");
  CHECK(PrettyOf(R"(sum_over_time({app="api"} | unwrap x | y=~"[0-9]" [1m] offset 5m))") ==
        R"(sum_over_time({app="api"} | unwrap x | y=~"[0-9]"[1m] offset 5m0s))");
}
