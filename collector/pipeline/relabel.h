// Prometheus relabel_configs as Promtail applies them to discovered targets and docker entries:
// every action, Prometheus's defaults and validation, errors with file:line and the key.
#pragma once

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "collector/pipeline/stages/go_regexp.h"
#include "common/labels.h"
#include "common/status.h"

namespace skald::pipeline {

enum class RelabelAction {
  kReplace, kKeep, kDrop, kKeepEqual, kDropEqual, kHashMod, kLabelMap, kLabelDrop, kLabelKeep,
  kLowercase, kUppercase,
};

struct RelabelRule {
  std::vector<std::string> source_labels;
  std::string separator = ";";
  std::string regex_text = "(.*)";
  RegexPtr regex;  // anchored: ^(?:regex)$
  uint64_t modulus = 0;
  std::string target_label;
  std::string replacement = "$1";
  RelabelAction action = RelabelAction::kReplace;
  bool identity = false;  // replace with the defaults into a literal target: value copied as is
};

// Immutable after Parse; Process is const and thread-safe.
class Relabeler {
 public:
  // `rules` is the relabel_configs sequence (null/undefined = no rules).
  static Result<Relabeler> Parse(const YAML::Node& rules, const std::string& file);

  // Applies every rule in order. Returns false when a rule dropped the target (ls is then
  // unspecified).
  bool Process(LabelSet& ls) const;
  bool empty() const { return rules_.empty(); }
  const std::vector<RelabelRule>& rules() const { return rules_; }

 private:
  std::vector<RelabelRule> rules_;
};

// Promtail's last step: labels whose names start with "__" are not sent.
LabelSet DropReservedLabels(const LabelSet& ls);

}  // namespace skald::pipeline
