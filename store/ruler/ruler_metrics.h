// The ruler's /metrics families (skald_ruler_*, and the same values under Loki's
// loki_prometheus_rule_* names): evaluations, failures, durations, missed iterations, load errors.
#pragma once

#include <string>

#include "common/metrics.h"

namespace skald::ruler {

struct RulerMetrics {
  explicit RulerMetrics(metrics::Registry* r);
  metrics::CounterVec* evaluations;          // {tenant, rule_group}
  metrics::CounterVec* failures;             // {tenant, rule_group}
  metrics::GaugeVec* group_last_duration;    // {tenant, rule_group} seconds
  metrics::GaugeVec* group_rules;            // {tenant, rule_group}
  metrics::CounterVec* iterations_missed;    // {tenant, rule_group}
  metrics::Histogram* eval_duration;         // one rule's query + state update, seconds
  metrics::GaugeVec* invalid_rules;          // {tenant} rules rejected at load
  metrics::Gauge* last_reload_success;       // 1 when the last directory scan read every file
  metrics::Counter* reloads;
  // Loki's names for the same values ({user, rule_group}, rule_group = "<namespace>;<group>").
  metrics::CounterVec* loki_evaluations;
  metrics::CounterVec* loki_failures;
  metrics::GaugeVec* loki_group_last_duration;
  metrics::GaugeVec* loki_group_rules;
  metrics::CounterVec* loki_iterations_missed;
  metrics::GaugeVec* loki_group_last_evaluation;   // unix seconds
};

}  // namespace skald::ruler
