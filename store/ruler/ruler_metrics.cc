// Registration of the ruler's metric families (idempotent per registry).
#include "store/ruler/ruler_metrics.h"

namespace skald::ruler {

RulerMetrics::RulerMetrics(metrics::Registry* r) {
  const std::vector<std::string> g = {"tenant", "rule_group"};
  evaluations = &r->NewCounterVec("skald_ruler_rule_evaluations_total", "Rule evaluations.", g);
  failures = &r->NewCounterVec("skald_ruler_rule_evaluation_failures_total",
                               "Rule evaluations that failed (query error, limit, labels).", g);
  group_last_duration = &r->NewGaugeVec("skald_ruler_rule_group_last_duration_seconds",
                                        "Duration of the last evaluation of the group.", g);
  group_rules = &r->NewGaugeVec("skald_ruler_rule_group_rules", "Rules in the group.", g);
  iterations_missed = &r->NewCounterVec("skald_ruler_rule_group_iterations_missed_total",
                                        "Group evaluations skipped because the previous ran late.", g);
  eval_duration = &r->NewHistogram("skald_ruler_rule_evaluation_duration_seconds",
                                   "Duration of one rule evaluation.");
  invalid_rules = &r->NewGaugeVec("skald_ruler_invalid_rules",
                                  "Rules or groups rejected when the rule files were loaded.", {"tenant"});
  last_reload_success = &r->NewGauge("skald_ruler_config_last_reload_successful",
                                     "1 when the last scan loaded every rule file without error.");
  reloads = &r->NewCounter("skald_ruler_config_reloads_total", "Scans of the rules directory that changed rules.");
  const std::vector<std::string> l = {"user", "rule_group"};
  loki_evaluations =
      &r->NewCounterVec("loki_prometheus_rule_evaluations_total", "The total number of rule evaluations.", l);
  loki_failures = &r->NewCounterVec("loki_prometheus_rule_evaluation_failures_total",
                                    "The total number of rule evaluation failures.", l);
  loki_group_last_duration = &r->NewGaugeVec("loki_prometheus_rule_group_last_duration_seconds",
                                             "The duration of the last rule group evaluation.", l);
  loki_group_rules = &r->NewGaugeVec("loki_prometheus_rule_group_rules", "The number of rules.", l);
  loki_iterations_missed = &r->NewCounterVec("loki_prometheus_rule_group_iterations_missed_total",
                                             "Rule group evaluations missed because the previous one ran late.", l);
  loki_group_last_evaluation = &r->NewGaugeVec("loki_prometheus_rule_group_last_evaluation_timestamp_seconds",
                                               "The timestamp of the last rule group evaluation in seconds.", l);
}

}  // namespace skald::ruler
