// The user's own queries (seed/queries.logql) and alert expressions (seed/alerts.yaml) must parse,
// classify as log or metric queries as Loki would, and round-trip through the printer.
#include <catch.hpp>

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <string>
#include <vector>

#include "common/logql/parser.h"
#include "common/logql/printer.h"

using namespace skald::logql;

namespace {

std::string SeedPath(const char* name) {
  for (const char* base : {"/work/shared/seed/", SKALD_SOURCE_DIR "/../shared/seed/"}) {
    std::string p = std::string(base) + name;
    if (std::ifstream(p).good()) return p;
  }
  return "";
}

void CheckRoundTrip(const std::string& q) {
  INFO(q);
  auto e = ParseExpr(q);
  if (!e.ok()) FAIL(e.status().message());
  std::string printed = Print(**e);
  auto again = ParseExpr(printed);
  if (!again.ok()) FAIL(again.status().message());
  CHECK(Print(**again) == printed);
  auto pretty = ParseExpr(Prettify(**e));
  REQUIRE(pretty.ok());
  CHECK(Print(**pretty) == printed);
}

}  // namespace

TEST_CASE("seed queries.logql") {
  std::string path = SeedPath("queries.logql");
  if (path.empty()) {
    WARN("seed/queries.logql not found; skipping");
    return;
  }
  std::ifstream in(path);
  std::string line;
  int n = 0, metric = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    ++n;
    CheckRoundTrip(line);
    auto e = ParseExpr(line);
    REQUIRE(e.ok());
    bool is_metric = line.rfind("rate(", 0) == 0 || line.rfind("topk(", 0) == 0;
    CHECK((*e)->IsLog() == !is_metric);
    metric += is_metric;
  }
  CHECK(n >= 9);
  CHECK(metric == 2);
  auto top = ParseExpr("topk(10, sum by (container) (count_over_time({job=\"docker\"}[1h])))");
  REQUIRE(top.ok());
  CHECK(Print(**top) == "topk(10,sum by (container)(count_over_time({job=\"docker\"}[1h])))");
}

TEST_CASE("seed alerts.yaml expressions") {
  std::string path = SeedPath("alerts.yaml");
  if (path.empty()) {
    WARN("seed/alerts.yaml not found; skipping");
    return;
  }
  YAML::Node root = YAML::LoadFile(path);
  std::vector<std::string> exprs;
  for (const auto& group : root["groups"])
    for (const auto& rule : group["rules"])
      if (rule["expr"]) exprs.push_back(rule["expr"].as<std::string>());
  REQUIRE(exprs.size() >= 4);
  for (const auto& q : exprs) CheckRoundTrip(q);
  auto first = ParseExpr(exprs[0]);
  REQUIRE(first.ok());
  CHECK((*first)->kind == ExprKind::kBinary);
  CHECK(Print(**first) == "(rate({job=\"docker\", level=\"ERROR\"}[5m]) > 10)");
}
