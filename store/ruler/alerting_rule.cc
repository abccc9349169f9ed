// AlertingRule: Prometheus' alert lifecycle over LogQL instant results, with templated labels and
// annotations expanded per sample ($labels, $value, $externalLabels, humanize, printf).
#include "store/ruler/alerting_rule.h"

#include <algorithm>

#include "common/logger.h"

namespace skald::ruler {

std::string_view AlertStateName(AlertState s) {
  switch (s) {
    case AlertState::kInactive: return "inactive";
    case AlertState::kPending: return "pending";
    case AlertState::kFiring: return "firing";
  }
  return "inactive";
}

AlertingRule::AlertingRule(RuleDesc desc) : desc_(std::move(desc)) {
  auto compile = [](const StringPairs& in, auto* out) {
    for (const auto& [k, v] : in) {
      auto t = PromTemplate::Parse(v);
      if (t.ok()) out->emplace_back(k, std::move(*t));
    }
  };
  compile(desc_.labels, &label_tmpls_);
  compile(desc_.annotations, &annotation_tmpls_);
}

Alert AlertingRule::MakeAlert(const RuleSample& s, int64_t now_ns, const TemplateEnv& env) const {
  LabelSet sample = s.metric;
  sample.Erase("__name__");
  TemplateContext ctx{&sample, s.value, env.external_labels, env.external_url};
  auto expand = [&](const PromTemplate& t, const std::string& what) {
    std::string out;
    Status st = t.Expand(ctx, &out);
    if (!st.ok()) {  // Prometheus puts the error text in place of the value
      SKALD_LOG(warn, "expanding alert template failed",
                {{"alert", desc_.alert}, {"field", what}, {"err", st.message()}});
      out = "<error expanding template: " + st.message() + ">";
    }
    return out;
  };
  Alert a;
  a.labels = sample;
  for (const auto& [k, t] : label_tmpls_) a.labels.Set(k, expand(t, k));
  a.labels.Set("alertname", desc_.alert);
  for (const auto& [k, t] : annotation_tmpls_) a.annotations.emplace_back(k, expand(t, k));
  a.value = s.value;
  a.active_at_ns = now_ns;
  return a;
}

// Handles alerts absent from this result; returns how many stay active (keep_firing_for).
int AlertingRule::ResolveMissing(const std::map<uint64_t, bool>& seen, int64_t now_ns) {
  int kept = 0;
  for (auto it = active_.begin(); it != active_.end();) {
    Alert& a = it->second;
    if (seen.count(it->first)) { ++it; continue; }
    if (desc_.keep_firing_for_ns > 0 && a.state == AlertState::kFiring) {
      if (a.keep_firing_since_ns == 0) a.keep_firing_since_ns = now_ns;
      if (now_ns - a.keep_firing_since_ns < desc_.keep_firing_for_ns) { ++kept; ++it; continue; }
    }
    if (a.state == AlertState::kPending ||
        (a.resolved_at_ns != 0 && now_ns - a.resolved_at_ns > kResolvedRetentionNs)) {
      it = active_.erase(it);
      continue;
    }
    if (a.state != AlertState::kInactive) {
      a.state = AlertState::kInactive;
      a.resolved_at_ns = now_ns;
    }
    ++it;
  }
  return kept;
}

Status AlertingRule::Eval(const std::vector<RuleSample>& result, int64_t now_ns, int limit,
                          const TemplateEnv& env) {
  std::map<uint64_t, Alert> fresh;
  for (const RuleSample& s : result) {
    Alert a = MakeAlert(s, now_ns, env);
    uint64_t fp = a.labels.Fingerprint();
    if (!fresh.emplace(fp, std::move(a)).second)
      return Status::Invalid("vector contains metrics with the same labelset after applying alert labels");
  }
  std::lock_guard<std::mutex> lock(mu_);
  std::map<uint64_t, bool> seen;
  for (auto& [fp, a] : fresh) {
    seen[fp] = true;
    auto it = active_.find(fp);
    if (it != active_.end() && it->second.state != AlertState::kInactive) {
      it->second.value = a.value;
      it->second.annotations = std::move(a.annotations);
      it->second.keep_firing_since_ns = 0;
      continue;
    }
    active_[fp] = std::move(a);
  }
  int active_count = ResolveMissing(seen, now_ns);
  for (auto& [fp, a] : active_) {
    if (!seen.count(fp)) continue;
    ++active_count;
    if (a.state == AlertState::kPending && now_ns - a.active_at_ns >= desc_.for_ns) {
      a.state = AlertState::kFiring;
      a.fired_at_ns = now_ns;
    }
  }
  if (limit > 0 && active_count > limit) {
    active_.clear();
    return Status::Invalid("exceeded limit of " + std::to_string(limit) + " with " +
                           std::to_string(active_count) + " alerts");
  }
  return Status::Ok();
}

std::vector<Alert> AlertingRule::TakeAlertsToSend(int64_t now_ns, int64_t resend_delay_ns,
                                                  int64_t interval_ns) {
  std::vector<Alert> out;
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [fp, a] : active_) {
    if (a.state == AlertState::kPending) continue;
    bool due = a.resolved_at_ns > a.last_sent_at_ns || a.last_sent_at_ns + resend_delay_ns < now_ns ||
               a.last_sent_at_ns == 0;
    if (!due) continue;
    a.last_sent_at_ns = now_ns;
    a.valid_until_ns = now_ns + 4 * std::max(resend_delay_ns, interval_ns);
    out.push_back(a);
  }
  return out;
}

std::vector<Alert> AlertingRule::ActiveAlerts() const {
  std::vector<Alert> out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [fp, a] : active_)
    if (a.state != AlertState::kInactive) out.push_back(a);
  std::sort(out.begin(), out.end(), [](const Alert& x, const Alert& y) { return x.labels < y.labels; });
  return out;
}

AlertState AlertingRule::State() const {
  AlertState s = AlertState::kInactive;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [fp, a] : active_) s = std::max(s, a.state);
  return s;
}

void AlertingRule::RestoreFrom(const AlertingRule& old) {
  std::scoped_lock lock(mu_, old.mu_);
  active_ = old.active_;
}

}  // namespace skald::ruler
