// RuleGroup: one loaded group of one tenant's namespace, evaluated at its interval: alerting rules
// update their state and notify; recording rules produce samples for remote write.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/ruler/alerting_rule.h"
#include "store/ruler/notifier.h"
#include "store/ruler/remote_writer.h"
#include "store/ruler/rule_file.h"
#include "store/ruler/ruler_metrics.h"

namespace skald::ruler {

// Evaluates a LogQL metric query at an instant for a tenant (the store's engine, or a fake).
using QueryFn = std::function<Result<std::vector<RuleSample>>(const std::string& tenant,
                                                              const std::string& expr, int64_t ts_ns)>;

struct EvalDeps {
  QueryFn query;
  Notifier* notifier = nullptr;          // may be null or disabled
  RemoteWriter* writer = nullptr;        // may be null or disabled
  const StringPairs* external_labels = nullptr;
  std::string external_url;
  int64_t resend_delay_ns = 60LL * 1000000000LL;
  RulerMetrics* metrics = nullptr;       // may be null (unit tests)
};

struct RuleStatus {
  std::string health = "unknown";  // unknown | ok | err
  std::string last_error;
  int64_t last_eval_ns = 0;
  double eval_seconds = 0;
};

// A point-in-time copy of one rule for the APIs.
struct RuleSnapshot {
  RuleDesc desc;
  RuleStatus status;
  AlertState state = AlertState::kInactive;
  std::vector<Alert> alerts;  // pending + firing
};

// Thread-safe: Eval from the evaluation thread, Snapshot from API threads.
class RuleGroup {
 public:
  RuleGroup(std::string tenant, std::string ns, RuleGroupDesc desc, int64_t default_interval_ns);

  void Eval(int64_t now_ns, const EvalDeps& deps);
  // Moves alert state from an older version: alerting rules with the same name and labels keep
  // their alerts (Prometheus' CopyState), whatever else changed.
  void RestoreFrom(const RuleGroup& old);

  const std::string& tenant() const { return tenant_; }
  const std::string& ns() const { return ns_; }
  const RuleGroupDesc& desc() const { return desc_; }
  int64_t interval_ns() const { return interval_ns_; }
  std::vector<RuleSnapshot> Snapshot() const;
  int64_t last_eval_ns() const;
  double last_duration_s() const;
  std::string GeneratorUrl(const std::string& external_url, const std::string& expr) const;

  int64_t next_eval_ns = 0;  // scheduling, owned by the evaluation thread

 private:
  struct Rule {
    RuleDesc desc;
    std::unique_ptr<AlertingRule> alerting;  // null for recording rules
    RuleStatus status;                       // guarded by RuleGroup::mu_
  };
  Status EvalRule(Rule& r, int64_t now_ns, const EvalDeps& deps, std::vector<RecordedSample>* recorded);

  std::string tenant_, ns_;
  RuleGroupDesc desc_;
  int64_t interval_ns_;
  std::vector<std::unique_ptr<Rule>> rules_;
  mutable std::mutex mu_;
  int64_t last_eval_ns_ = 0;     // guarded by mu_
  double last_duration_s_ = 0;   // guarded by mu_
};

}  // namespace skald::ruler
