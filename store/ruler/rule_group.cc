// RuleGroup evaluation: rules run in file order at one timestamp; a failing rule marks itself
// unhealthy (health/lastError, failure metric, log line) and the others still run.
#include "store/ruler/rule_group.h"

#include <chrono>

#include "common/logger.h"

namespace skald::ruler {
namespace {

std::string UrlEncode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

double SecondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

RuleGroup::RuleGroup(std::string tenant, std::string ns, RuleGroupDesc desc, int64_t default_interval_ns)
    : tenant_(std::move(tenant)), ns_(std::move(ns)), desc_(std::move(desc)),
      interval_ns_(desc_.interval_ns > 0 ? desc_.interval_ns : default_interval_ns) {
  for (const RuleDesc& d : desc_.rules) {
    auto r = std::make_unique<Rule>();
    r->desc = d;
    if (d.IsAlert()) r->alerting = std::make_unique<AlertingRule>(d);
    rules_.push_back(std::move(r));
  }
}

std::string RuleGroup::GeneratorUrl(const std::string& external_url, const std::string& expr) const {
  return external_url + "/graph?g0.expr=" + UrlEncode(expr) + "&g0.tab=1";
}

Status RuleGroup::EvalRule(Rule& r, int64_t now_ns, const EvalDeps& deps,
                           std::vector<RecordedSample>* recorded) {
  auto result = deps.query(tenant_, r.desc.expr, now_ns);
  if (!result.ok()) return result.status();
  if (r.alerting) {
    TemplateEnv env{deps.external_labels, deps.external_url};
    Status st = r.alerting->Eval(*result, now_ns, desc_.limit, env);
    std::vector<Alert> due = r.alerting->TakeAlertsToSend(now_ns, deps.resend_delay_ns, interval_ns_);
    if (deps.notifier != nullptr && !due.empty()) {
      static const StringPairs kNone;
      deps.notifier->Send(due, deps.external_labels ? *deps.external_labels : kNone,
                          GeneratorUrl(deps.external_url, r.desc.expr));
    }
    return st;
  }
  if (desc_.limit > 0 && int(result->size()) > desc_.limit) {
    return Status::Invalid("exceeded limit " + std::to_string(desc_.limit) + " with " +
                           std::to_string(result->size()) + " series");
  }
  std::vector<RecordedSample> out;
  for (const RuleSample& s : *result) {
    RecordedSample rs{s.metric, s.value, now_ns / 1000000};
    rs.labels.Set("__name__", r.desc.record);
    for (const auto& [k, v] : r.desc.labels) rs.labels.Set(k, v);
    for (const RecordedSample& o : out)
      if (o.labels == rs.labels)
        return Status::Invalid("vector contains metrics with the same labelset after applying rule labels");
    out.push_back(std::move(rs));
  }
  recorded->insert(recorded->end(), out.begin(), out.end());
  return Status::Ok();
}

void RuleGroup::Eval(int64_t now_ns, const EvalDeps& deps) {
  const auto group_start = std::chrono::steady_clock::now();
  const std::vector<std::string> mlabels = {tenant_, ns_ + ";" + desc_.name};
  std::vector<RecordedSample> recorded;
  for (auto& r : rules_) {
    const auto start = std::chrono::steady_clock::now();
    Status st = EvalRule(*r, now_ns, deps, &recorded);
    const double took = SecondsSince(start);
    if (deps.metrics) {
      deps.metrics->evaluations->WithLabelValues(mlabels).Inc();
      deps.metrics->eval_duration->Observe(took);
      deps.metrics->failures->WithLabelValues(mlabels).Inc(st.ok() ? 0 : 1);
      deps.metrics->loki_evaluations->WithLabelValues(mlabels).Inc();
      deps.metrics->loki_failures->WithLabelValues(mlabels).Inc(st.ok() ? 0 : 1);
    }
    if (!st.ok()) {
      SKALD_LOG(warn, "rule evaluation failed", {{"tenant", tenant_}, {"group", desc_.name},
                                                 {"rule", r->desc.Name()}, {"err", st.message()}});
    }
    std::lock_guard<std::mutex> lock(mu_);
    r->status = RuleStatus{st.ok() ? "ok" : "err", st.ok() ? "" : st.message(), now_ns, took};
  }
  if (deps.writer != nullptr && !recorded.empty()) {
    static const StringPairs kNone;
    deps.writer->Write(tenant_, recorded, deps.external_labels ? *deps.external_labels : kNone);
  }
  std::lock_guard<std::mutex> lock(mu_);
  last_eval_ns_ = now_ns;
  last_duration_s_ = SecondsSince(group_start);
  if (deps.metrics) {
    deps.metrics->group_last_duration->WithLabelValues(mlabels).Set(last_duration_s_);
    deps.metrics->group_rules->WithLabelValues(mlabels).Set(double(rules_.size()));
    deps.metrics->loki_group_last_duration->WithLabelValues(mlabels).Set(last_duration_s_);
    deps.metrics->loki_group_rules->WithLabelValues(mlabels).Set(double(rules_.size()));
    deps.metrics->loki_group_last_evaluation->WithLabelValues(mlabels).Set(double(now_ns) / 1e9);
  }
}

// As Prometheus' CopyState: rules pair up by name and static labels (each old rule once, in
// order), so editing an expr, `for` or an annotation keeps pending timers and firing alerts.
void RuleGroup::RestoreFrom(const RuleGroup& old) {
  std::vector<bool> used(old.rules_.size(), false);
  for (auto& r : rules_) {
    if (!r->alerting) continue;
    for (size_t i = 0; i < old.rules_.size(); ++i) {
      const auto& o = old.rules_[i];
      if (used[i] || !o->alerting || o->desc.alert != r->desc.alert || o->desc.labels != r->desc.labels) continue;
      r->alerting->RestoreFrom(*o->alerting);
      used[i] = true;
      break;
    }
  }
}

std::vector<RuleSnapshot> RuleGroup::Snapshot() const {
  std::vector<RuleSnapshot> out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& r : rules_) {
    RuleSnapshot s{r->desc, r->status, AlertState::kInactive, {}};
    if (r->alerting) {
      s.state = r->alerting->State();
      s.alerts = r->alerting->ActiveAlerts();
    }
    out.push_back(std::move(s));
  }
  return out;
}

int64_t RuleGroup::last_eval_ns() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_eval_ns_;
}

double RuleGroup::last_duration_s() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_duration_s_;
}

}  // namespace skald::ruler
