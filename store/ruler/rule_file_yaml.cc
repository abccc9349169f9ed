// YAML output of rule groups (rule files written by the rules API, and its GET answers), in
// Prometheus rulefmt key order: name, interval, limit, rules (alert|record, expr, for, ...).
#include <yaml-cpp/yaml.h>

#include "common/time_util.h"
#include "store/ruler/rule_file.h"

namespace skald::ruler {
namespace {

// A string value: yaml-cpp writes a CR into a plain or literal scalar as it is, and reading that
// back turns it (and a following LF) into a line break; double quotes keep it as "\r".
void Str(YAML::Emitter& e, const std::string& s) {
  if (s.find('\r') != std::string::npos) e << YAML::DoubleQuoted;
  else if (s.find('\n') != std::string::npos) e << YAML::Literal;
  e << s;
}

void EmitPairs(YAML::Emitter& e, const char* key, const StringPairs& pairs) {
  if (pairs.empty()) return;
  e << YAML::Key << key << YAML::Value << YAML::BeginMap;
  for (const auto& [k, v] : pairs) {
    e << YAML::Key;
    Str(e, k);
    e << YAML::Value;
    Str(e, v);
  }
  e << YAML::EndMap;
}

void EmitRule(YAML::Emitter& e, const RuleDesc& r) {
  e << YAML::BeginMap;
  e << YAML::Key << (r.IsAlert() ? "alert" : "record") << YAML::Value;
  Str(e, r.IsAlert() ? r.alert : r.record);
  e << YAML::Key << "expr" << YAML::Value;
  Str(e, r.expr);
  if (r.for_ns != 0) e << YAML::Key << "for" << YAML::Value << FormatDuration(r.for_ns);
  if (r.keep_firing_for_ns != 0)
    e << YAML::Key << "keep_firing_for" << YAML::Value << FormatDuration(r.keep_firing_for_ns);
  EmitPairs(e, "labels", r.labels);
  EmitPairs(e, "annotations", r.annotations);
  e << YAML::EndMap;
}

}  // namespace

std::string FormatDuration(int64_t ns) { return FormatPromDuration(ns); }

void EmitGroup(YAML::Emitter& e, const RuleGroupDesc& g) {
  e << YAML::BeginMap << YAML::Key << "name" << YAML::Value;
  Str(e, g.name);
  if (g.interval_ns != 0) e << YAML::Key << "interval" << YAML::Value << FormatDuration(g.interval_ns);
  if (g.limit != 0) e << YAML::Key << "limit" << YAML::Value << g.limit;
  e << YAML::Key << "rules" << YAML::Value << YAML::BeginSeq;
  for (const RuleDesc& r : g.rules) EmitRule(e, r);
  e << YAML::EndSeq << YAML::EndMap;
}

std::string GroupToYaml(const RuleGroupDesc& g) {
  YAML::Emitter e;
  EmitGroup(e, g);
  return std::string(e.c_str()) + "\n";
}

std::string GroupsToFileYaml(const std::vector<RuleGroupDesc>& groups) {
  YAML::Emitter e;
  e << YAML::BeginMap << YAML::Key << "groups" << YAML::Value << YAML::BeginSeq;
  for (const RuleGroupDesc& g : groups) EmitGroup(e, g);
  e << YAML::EndSeq << YAML::EndMap;
  return std::string(e.c_str()) + "\n";
}

}  // namespace skald::ruler
