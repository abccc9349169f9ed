// Retention resolution: rule matching and Loki's precedence, kept free of I/O so the query path,
// the compactor and tests share one definition of "expired".
#include "store/retention/retention_policy.h"

#include "common/logql/parser.h"
#include "common/time_util.h"

namespace skald::retention {

RetentionPolicy::RetentionPolicy(int64_t global_period_ns, std::vector<StreamRule> global_streams,
                                 std::vector<StreamRule> file_rules,
                                 std::map<std::string, TenantRetention> tenants, DeletionMode deletion_mode)
    : global_period_ns_(global_period_ns),
      global_streams_(std::move(global_streams)),
      file_rules_(std::move(file_rules)),
      tenants_(std::move(tenants)),
      deletion_mode_(deletion_mode) {}

const StreamRule* PickRule(const std::vector<StreamRule>& rules, const LabelSet& labels) {
  const StreamRule* best = nullptr;
  for (const auto& r : rules) {
    if (!MatchesAll(r.matchers, labels)) continue;
    if (best != nullptr && (best->priority > r.priority ||
                            (best->priority == r.priority && best->period_ns <= r.period_ns)))
      continue;
    best = &r;
  }
  return best;
}

int64_t RetentionPolicy::PeriodFor(const std::string& tenant, const LabelSet& labels) const {
  auto t = tenants_.find(tenant);
  const TenantRetention* tr = t == tenants_.end() ? nullptr : &t->second;
  if (tr != nullptr && tr->streams.has_value()) {
    if (const StreamRule* r = PickRule(*tr->streams, labels)) return r->period_ns;
  } else if (const StreamRule* r = PickRule(global_streams_, labels)) {
    return r->period_ns;
  }
  for (const auto& r : file_rules_)
    if (MatchesAll(r.matchers, labels)) return r.period_ns;
  if (tr != nullptr && tr->period_ns.has_value()) return *tr->period_ns;
  return global_period_ns_;
}

int64_t RetentionPolicy::CutoffFor(const std::string& tenant, const LabelSet& labels, int64_t now_ns) const {
  int64_t p = PeriodFor(tenant, labels);
  return p <= 0 ? INT64_MIN : now_ns - p;
}

bool RetentionPolicy::KeepsEverything() const {
  auto none = [](const std::vector<StreamRule>& rs) {
    for (const auto& r : rs)
      if (r.period_ns > 0) return false;
    return true;
  };
  if (global_period_ns_ > 0 || !none(global_streams_) || !none(file_rules_)) return false;
  for (const auto& [name, t] : tenants_) {
    if (t.period_ns.value_or(0) > 0) return false;
    if (t.streams.has_value() && !none(*t.streams)) return false;
  }
  return true;
}

DeletionMode RetentionPolicy::DeletionModeFor(const std::string& tenant) const {
  auto t = tenants_.find(tenant);
  if (t != tenants_.end() && t->second.deletion_mode.has_value()) return *t->second.deletion_mode;
  return deletion_mode_;
}

Status CheckRulePeriod(int64_t period_ns) {
  if (period_ns < kMinRulePeriodNs)
    return Status::Invalid("retention period must be >= 24h was " + FormatPromDuration(period_ns));
  return Status::Ok();
}

Result<std::vector<StreamRule>> CompileStreamRules(const std::vector<RetentionStreamRule>& rules,
                                                   const std::string& where) {
  std::vector<StreamRule> out;
  for (size_t i = 0; i < rules.size(); ++i) {
    std::string at = where + "[" + std::to_string(i) + "]";
    auto ms = logql::ParseStreamSelector(rules[i].selector);
    if (!ms.ok()) return Status::Invalid(at + ".selector: " + ms.status().message());
    if (Status st = CheckRulePeriod(rules[i].period_ns); !st.ok()) return Status::Invalid(at + ".period: " + st.message());
    out.push_back(StreamRule{std::move(*ms), rules[i].priority, rules[i].period_ns, at});
  }
  return out;
}

}  // namespace skald::retention
