// The alert state machine with an injected clock: pending → firing after `for`, resolve, re-fire,
// keep_firing_for, resend timing and endsAt, limit, duplicate label sets, templated labels.
#include <catch.hpp>

#include "store/ruler/alerting_rule.h"

using namespace skald;
using namespace skald::ruler;

namespace {

constexpr int64_t kS = 1000000000LL;

RuleDesc Rule(int64_t for_s, int64_t keep_s = 0) {
  RuleDesc d;
  d.alert = "HighErrorRate";
  d.expr = "rate({job=\"docker\"}[1m]) > 10";
  d.for_ns = for_s * kS;
  d.keep_firing_for_ns = keep_s * kS;
  d.labels = {{"severity", "warning"}, {"team", "{{ $labels.service }}-ops"}};
  d.annotations = {{"description", "{{ $labels.service }} is logging errors at {{ $value }} errors/sec"}};
  return d;
}

std::vector<RuleSample> Api(double v) { return {{LabelSet(std::vector<Label>{{"service", "api"}}), v}}; }

AlertState StateAt(AlertingRule& r, const std::vector<RuleSample>& res, int64_t t_s) {
  REQUIRE(r.Eval(res, t_s * kS, 0, {}).ok());
  return r.State();
}

}  // namespace

TEST_CASE("alerting rule: pending, firing after for, resolved, firing again") {
  AlertingRule r(Rule(60));
  struct Step {
    int64_t t;
    bool present;
    AlertState want;
  };
  const std::vector<Step> steps = {
      {0, true, AlertState::kPending},   {30, true, AlertState::kPending},
      {60, true, AlertState::kFiring},   {90, true, AlertState::kFiring},
      {120, false, AlertState::kInactive}, {150, true, AlertState::kPending},
      {180, false, AlertState::kInactive},  // pending alerts vanish when the condition clears
  };
  for (const Step& s : steps) {
    INFO("t=" << s.t);
    CHECK(StateAt(r, s.present ? Api(12.5) : std::vector<RuleSample>{}, s.t) == s.want);
  }
}

TEST_CASE("alerting rule: labels and annotations are templated per sample") {
  AlertingRule r(Rule(0));
  REQUIRE(r.Eval(Api(12.5), 10 * kS, 0, {}).ok());
  auto alerts = r.ActiveAlerts();
  REQUIRE(alerts.size() == 1);
  const Alert& a = alerts[0];
  CHECK(a.state == AlertState::kFiring);  // for: 0 fires at once
  CHECK(a.labels.ToString() == R"({alertname="HighErrorRate", service="api", severity="warning", team="api-ops"})");
  REQUIRE(a.annotations.size() == 1);
  CHECK(a.annotations[0].second == "api is logging errors at 12.5 errors/sec");
  CHECK(a.fired_at_ns == 10 * kS);
}

TEST_CASE("alerting rule: sending, resending after resend_delay, resolved notification") {
  AlertingRule r(Rule(0));
  const int64_t resend = 60 * kS, interval = 10 * kS;
  REQUIRE(r.Eval(Api(11), 0, 0, {}).ok());
  auto sent = r.TakeAlertsToSend(1, resend, interval);
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].valid_until_ns == 1 + 4 * resend);
  CHECK(r.TakeAlertsToSend(30 * kS, resend, interval).empty());   // not yet
  CHECK(r.TakeAlertsToSend(61 * kS + 1, resend, interval).size() == 1);  // resend
  REQUIRE(r.Eval({}, 70 * kS, 0, {}).ok());
  auto resolved = r.TakeAlertsToSend(70 * kS, resend, interval);
  REQUIRE(resolved.size() == 1);
  CHECK(resolved[0].state == AlertState::kInactive);
  CHECK(resolved[0].resolved_at_ns == 70 * kS);
  CHECK(r.ActiveAlerts().empty());
  // Resolved alerts are re-sent each resend_delay while retained, then forgotten after 15m.
  REQUIRE(r.Eval({}, 16 * 60 * kS, 0, {}).ok());
  REQUIRE(r.Eval({}, 17 * 60 * kS, 0, {}).ok());
  CHECK(r.TakeAlertsToSend(17 * 60 * kS, resend, interval).empty());
}

TEST_CASE("alerting rule: pending alerts are never sent") {
  AlertingRule r(Rule(60));
  REQUIRE(r.Eval(Api(11), 0, 0, {}).ok());
  CHECK(r.TakeAlertsToSend(1, 0, 0).empty());
}

TEST_CASE("alerting rule: keep_firing_for holds a firing alert after the condition clears") {
  AlertingRule r(Rule(0, 30));
  CHECK(StateAt(r, Api(11), 0) == AlertState::kFiring);
  CHECK(StateAt(r, {}, 10) == AlertState::kFiring);
  CHECK(StateAt(r, {}, 39) == AlertState::kFiring);
  CHECK(StateAt(r, {}, 41) == AlertState::kInactive);
}

TEST_CASE("alerting rule: limit and duplicate label sets are errors") {
  AlertingRule r(Rule(0));
  std::vector<RuleSample> two = {{LabelSet(std::vector<Label>{{"service", "a"}}), 1}, {LabelSet(std::vector<Label>{{"service", "b"}}), 2}};
  Status st = r.Eval(two, 0, 1, {});
  CHECK(st.message() == "exceeded limit of 1 with 2 alerts");
  CHECK(r.ActiveAlerts().empty());
  CHECK(r.Eval(two, 0, 2, {}).ok());
  RuleDesc d = Rule(0);
  d.labels = {{"service", "same"}};
  AlertingRule dup(d);
  CHECK(dup.Eval(two, 0, 0, {}).message() ==
        "vector contains metrics with the same labelset after applying alert labels");
}

TEST_CASE("alerting rule: state survives a reload of the same rule") {
  AlertingRule old(Rule(60));
  REQUIRE(old.Eval(Api(11), 0, 0, {}).ok());
  AlertingRule fresh(Rule(60));
  fresh.RestoreFrom(old);
  CHECK(StateAt(fresh, Api(11), 60) == AlertState::kFiring);
}

#include "store/ruler/rule_group.h"

// Prometheus' CopyState pairs rules by name and labels: editing the expr or an annotation must
// not send a firing alert back to pending (nor restart its `for`).
TEST_CASE("alerting rule: an edited rule with the same name and labels keeps its state on reload") {
  RuleGroupDesc gd;
  gd.name = "g";
  gd.rules = {Rule(60)};
  RuleGroup old("fake", "ns", gd, 60 * kS);
  EvalDeps deps;
  deps.query = [](const std::string&, const std::string&, int64_t) -> Result<std::vector<RuleSample>> { return Api(11); };
  old.Eval(0, deps);
  old.Eval(60 * kS, deps);
  REQUIRE(old.Snapshot()[0].state == AlertState::kFiring);
  for (auto edit : {+[](RuleDesc& d) { d.annotations[0].second = "edited"; },
                    +[](RuleDesc& d) { d.expr = "rate({job=\"docker\"}[1m]) > 5"; }}) {
    RuleGroupDesc ed = gd;
    edit(ed.rules[0]);
    RuleGroup fresh("fake", "ns", ed, 60 * kS);
    fresh.RestoreFrom(old);
    CHECK(fresh.Snapshot()[0].state == AlertState::kFiring);
  }
  RuleGroupDesc relabeled = gd;                  // other labels: a different rule, starts afresh
  relabeled.rules[0].labels[0].second = "critical";
  RuleGroup other("fake", "ns", relabeled, 60 * kS);
  other.RestoreFrom(old);
  CHECK(other.Snapshot()[0].state == AlertState::kInactive);
}
