// One alerting rule's state machine with Prometheus semantics: inactive → pending → firing after
// `for`, keep_firing_for, resolved alerts kept 15m for re-sending; time is passed in (testable).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "common/labels.h"
#include "common/status.h"
#include "store/ruler/prom_template.h"
#include "store/ruler/rule_file.h"

namespace skald::ruler {

enum class AlertState { kInactive, kPending, kFiring };
std::string_view AlertStateName(AlertState s);  // "inactive", "pending", "firing"

struct Alert {
  LabelSet labels;          // sample labels + rule labels + alertname
  StringPairs annotations;  // expanded
  double value = 0;
  AlertState state = AlertState::kPending;
  int64_t active_at_ns = 0, fired_at_ns = 0, resolved_at_ns = 0;
  int64_t last_sent_at_ns = 0, valid_until_ns = 0, keep_firing_since_ns = 0;
};

// One element of an instant-query result.
struct RuleSample {
  LabelSet metric;
  double value = 0;
};

// What templates may see besides the sample.
struct TemplateEnv {
  const StringPairs* external_labels = nullptr;
  std::string external_url;
};

inline constexpr int64_t kResolvedRetentionNs = 15LL * 60 * 1000000000LL;

// Thread-safe: Eval/TakeAlertsToSend from the evaluation thread, readers from API threads.
class AlertingRule {
 public:
  // desc must have passed ValidateRule (templates parse).
  explicit AlertingRule(RuleDesc desc);

  // Applies one evaluation result at now_ns. Errors: duplicate label sets after applying the
  // rule's labels, template failures are logged into annotations, limit exceeded (alerts dropped).
  Status Eval(const std::vector<RuleSample>& result, int64_t now_ns, int limit, const TemplateEnv& env);

  // Alerts due for (re)sending at now_ns (never pending ones); marks them sent and sets
  // valid_until = now + 4 × max(resend_delay, interval).
  std::vector<Alert> TakeAlertsToSend(int64_t now_ns, int64_t resend_delay_ns, int64_t interval_ns);

  std::vector<Alert> ActiveAlerts() const;  // pending and firing, sorted by labels
  AlertState State() const;                 // the highest state among active alerts
  // Keeps the alerts of a previous version of the same rule (reload without losing `for` time).
  void RestoreFrom(const AlertingRule& old);
  const RuleDesc& desc() const { return desc_; }

 private:
  Alert MakeAlert(const RuleSample& s, int64_t now_ns, const TemplateEnv& env) const;
  int ResolveMissing(const std::map<uint64_t, bool>& seen, int64_t now_ns);

  RuleDesc desc_;
  std::vector<std::pair<std::string, PromTemplate>> label_tmpls_, annotation_tmpls_;
  mutable std::mutex mu_;
  std::map<uint64_t, Alert> active_;  // by label fingerprint; guarded by mu_
};

}  // namespace skald::ruler
