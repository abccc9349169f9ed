// RetentionPolicy: which retention period applies to a stream of a tenant, resolved like Loki
// (tenant retention_stream, global retention_stream, skald's rules file, tenant period, global period).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/labels.h"
#include "common/matcher.h"
#include "common/status.h"
#include "store/retention/deletion_mode.h"
#include "store/store_config.h"

namespace skald::retention {

struct StreamRule {
  Matchers matchers;
  int priority = 0;
  int64_t period_ns = 0;
  std::string source;       // "file:line" or "limits_config.retention_stream[i]" (for messages)
};

// What a runtime_config `overrides.<tenant>` block says about retention; unset = inherit.
struct TenantRetention {
  std::optional<int64_t> period_ns;
  std::optional<std::vector<StreamRule>> streams;
  std::optional<DeletionMode> deletion_mode;
};

// Immutable once built; share it through std::shared_ptr<const RetentionPolicy>.
class RetentionPolicy {
 public:
  RetentionPolicy() = default;
  RetentionPolicy(int64_t global_period_ns, std::vector<StreamRule> global_streams,
                  std::vector<StreamRule> file_rules, std::map<std::string, TenantRetention> tenants,
                  DeletionMode deletion_mode = DeletionMode::kFilterAndDelete);

  // Period for a stream; 0 = keep forever (Loki: a zero period disables retention). Order:
  // 1. tenant retention_stream (highest priority; equal priority → shortest period),
  // 2. global retention_stream (same choice), 3. rules file (first matching entry),
  // 4. tenant retention_period, 5. global retention_period.
  int64_t PeriodFor(const std::string& tenant, const LabelSet& labels) const;
  // Oldest timestamp still visible at `now_ns` (INT64_MIN when kept forever).
  int64_t CutoffFor(const std::string& tenant, const LabelSet& labels, int64_t now_ns) const;
  // True when no rule can expire anything (every period is 0).
  bool KeepsEverything() const;
  // The tenant's deletion_mode override, else limits_config.deletion_mode.
  DeletionMode DeletionModeFor(const std::string& tenant) const;

  const std::map<std::string, TenantRetention>& tenants() const { return tenants_; }

 private:
  int64_t global_period_ns_ = 0;
  std::vector<StreamRule> global_streams_, file_rules_;
  std::map<std::string, TenantRetention> tenants_;
  DeletionMode deletion_mode_ = DeletionMode::kFilterAndDelete;
};

// Picks among matching rules: highest priority, then shortest period (Loki's expiration checker).
const StreamRule* PickRule(const std::vector<StreamRule>& rules, const LabelSet& labels);
// Loki's floor for a stream rule's period (retention_stream, and skald's rules file).
constexpr int64_t kMinRulePeriodNs = 24LL * 3600 * 1000000000LL;
// Invalid `retention period must be >= 24h was 5h` below the floor.
Status CheckRulePeriod(int64_t period_ns);
// Parses limits_config.retention_stream entries (selectors must parse; periods ≥ 24h).
Result<std::vector<StreamRule>> CompileStreamRules(const std::vector<RetentionStreamRule>& rules,
                                                   const std::string& where);

}  // namespace skald::retention
