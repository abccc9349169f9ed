// The Ruler over a real rules directory with an in-memory query function: per-tenant layout,
// reload when a file changes (poll), a broken file not stopping the others, state kept on reload.
#include <catch.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "store/ruler/ruler.h"

using namespace skald;
using namespace skald::ruler;

namespace {

struct TempRulesDir {
  std::string path;
  TempRulesDir() {
    char tmpl[] = "/tmp/skald-ruler-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempRulesDir() { std::filesystem::remove_all(path); }
  void Write(const std::string& rel, const std::string& text) {
    std::filesystem::create_directories(std::filesystem::path(path + "/" + rel).parent_path());
    std::ofstream(path + "/" + rel + ".tmp") << text;
    std::filesystem::rename(path + "/" + rel + ".tmp", path + "/" + rel);
  }
};

std::string Group(const std::string& name, const std::vector<std::string>& alerts) {
  std::string y = "groups:\n  - name: " + name + "\n    interval: 50ms\n    rules:\n";
  for (const auto& a : alerts) y += "      - alert: " + a + "\n        expr: count_over_time({a=\"b\"}[1m]) > 0\n";
  return y;
}

size_t RuleCount(Ruler& r, const std::string& tenant) {
  size_t n = 0;
  for (const auto& g : r.Groups(tenant)) n += g->desc().rules.size();
  return n;
}

template <typename F>
bool Eventually(F f) {
  for (int i = 0; i < 300; ++i) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return f();
}

}  // namespace

TEST_CASE("ruler: loads per-tenant files, reloads on change, isolates a broken file") {
  TempRulesDir dir;
  dir.Write("team-a/alerts.yaml", Group("a", {"A1"}));
  dir.Write("team-b/alerts.yaml", Group("b", {"B1", "B2"}));
  dir.Write("team-b/broken.yaml", "groups: [\n");
  std::atomic<int> calls{0};
  std::set<std::string> tenants_seen;
  std::mutex mu;
  QueryFn q = [&](const std::string& tenant, const std::string&, int64_t) -> Result<std::vector<RuleSample>> {
    ++calls;
    std::lock_guard<std::mutex> lock(mu);
    tenants_seen.insert(tenant);
    return std::vector<RuleSample>{{LabelSet(std::vector<Label>{{"x", tenant}}), 1}};
  };
  RulerOptions o;
  o.rules_dir = dir.path;
  o.poll_interval_ns = 50LL * 1000000;
  metrics::Registry reg;
  Ruler r(o, q, &reg);
  REQUIRE(r.Start().ok());
  CHECK(RuleCount(r, "team-a") == 1);
  CHECK(RuleCount(r, "team-b") == 2);
  REQUIRE(r.LoadErrors().size() == 1);
  CHECK(r.LoadErrors()[0].find("broken.yaml") != std::string::npos);
  CHECK(Eventually([&] { return calls.load() >= 6; }));
  {
    std::lock_guard<std::mutex> lock(mu);
    CHECK(tenants_seen == std::set<std::string>{"team-a", "team-b"});
  }
  auto firing = [&] {
    for (const auto& g : r.Groups("team-a"))
      for (const auto& s : g->Snapshot())
        if (s.state == AlertState::kFiring) return true;
    return false;
  };
  CHECK(Eventually(firing));

  dir.Write("team-a/alerts.yaml", Group("a", {"A1", "A2", "A3"}));  // picked up by the poll
  CHECK(Eventually([&] { return RuleCount(r, "team-a") == 3; }));
  CHECK(firing());  // A1's definition is unchanged: its alert kept its state
  dir.Write("team-b/broken.yaml", Group("c", {"C1"}));
  CHECK(Eventually([&] { return RuleCount(r, "team-b") == 3 && r.LoadErrors().empty(); }));
  std::filesystem::remove(dir.path + "/team-b/alerts.yaml");
  CHECK(Eventually([&] { return RuleCount(r, "team-b") == 1; }));
  r.Stop();
  CHECK(reg.Expose().find("skald_ruler_rule_evaluations_total{tenant=\"team-a\",rule_group=\"alerts.yaml;a\"}") !=
        std::string::npos);
  // The same values under Loki's names and label names.
  const std::string text = reg.Expose();
  CHECK(text.find("loki_prometheus_rule_evaluations_total{user=\"team-a\",rule_group=\"alerts.yaml;a\"}") !=
        std::string::npos);
  CHECK(text.find("loki_prometheus_rule_group_rules{user=\"team-a\",rule_group=\"alerts.yaml;a\"}") !=
        std::string::npos);
  CHECK(text.find("loki_prometheus_rule_group_last_evaluation_timestamp_seconds{user=\"team-a\"") !=
        std::string::npos);
}
