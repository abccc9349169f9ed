// Prometheus-format rule files (groups → alerting/recording rules) as Loki's ruler reads them:
// parsing with per-rule validation (file, group, rule, reason), and YAML output for the rules API.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace YAML {
class Emitter;
}

namespace skald::ruler {

using StringPairs = std::vector<std::pair<std::string, std::string>>;  // in file order

struct RuleDesc {
  std::string alert;   // alerting rule name, or
  std::string record;  // recording rule metric name
  std::string expr;
  int64_t for_ns = 0;
  int64_t keep_firing_for_ns = 0;
  StringPairs labels;
  StringPairs annotations;
  bool IsAlert() const { return !alert.empty(); }
  const std::string& Name() const { return IsAlert() ? alert : record; }
  bool operator==(const RuleDesc&) const = default;
};

struct RuleGroupDesc {
  std::string name;
  int64_t interval_ns = 0;  // 0: ruler.evaluation_interval
  int limit = 0;            // 0: no limit on alerts / series per rule
  std::vector<RuleDesc> rules;
  bool operator==(const RuleGroupDesc&) const = default;
};

// A parsed file: the valid groups and rules, plus one message per rejected rule or group
// (`<file>:<line>: group "g", rule "r": <reason>`). Invalid rules are dropped; the rest work.
struct RuleFile {
  std::vector<RuleGroupDesc> groups;
  std::vector<std::string> errors;
};

// Fails only when the text is not YAML or not a `groups:` document (nothing usable).
Result<RuleFile> ParseRuleFile(const std::string& file, const std::string& text);

// One group's YAML (the body of POST /loki/api/v1/rules/{ns}); strict: any invalid rule fails.
Result<RuleGroupDesc> ParseRuleGroupYaml(const std::string& text);

// Validates one rule; the reason (e.g. the log-query message naming the metric form) or Ok.
Status ValidateRule(const RuleDesc& r);

// YAML output: `groups:` documents (files), one group (API GET ns/group), or several groups as a
// sequence item list (API GET ns).
std::string GroupsToFileYaml(const std::vector<RuleGroupDesc>& groups);
std::string GroupToYaml(const RuleGroupDesc& g);
void EmitGroup(YAML::Emitter& e, const RuleGroupDesc& g);

// Go duration text Prometheus prints in YAML and JSON: "1m", "1h30m", "30s", "0s".
std::string FormatDuration(int64_t ns);

}  // namespace skald::ruler
