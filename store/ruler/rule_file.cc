// Rule file parsing and validation (Prometheus rulefmt semantics with LogQL expressions), and
// YAML output. A bad rule is reported with file:line, group and rule and dropped; others are kept.
#include "store/ruler/rule_file.h"

#include <simdjson.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>

#include "common/config_yaml.h"
#include "common/labels.h"
#include "common/logql/parser.h"
#include "store/ruler/prom_template.h"

namespace skald::ruler {
namespace {

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string_view::npos ? std::string() : std::string(s.substr(b, e - b + 1));
}

bool IsMetricName(std::string_view n) {
  if (n.empty()) return false;
  for (size_t i = 0; i < n.size(); ++i) {
    char c = n[i];
    bool ok = std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':' ||
              (i > 0 && std::isdigit(static_cast<unsigned char>(c)));
    if (!ok) return false;
  }
  return true;
}

Status ParsePairs(const YAML::Node& n, const char* what, StringPairs* out) {
  if (!n || n.IsNull()) return Status::Ok();
  if (!n.IsMap()) return Status::Invalid(std::string("'") + what + "' must be a map of strings");
  for (const auto& kv : n) {
    if (!kv.second.IsScalar() && !kv.second.IsNull())
      return Status::Invalid(std::string("'") + what + "' values must be strings");
    out->emplace_back(kv.first.Scalar(), kv.second.IsNull() ? "" : kv.second.Scalar());
  }
  return Status::Ok();
}

// Fills *r from a rule map; structural problems (unknown key, bad duration) are errors.
Status DecodeRule(const YAML::Node& n, RuleDesc* r) {
  if (!n.IsMap()) return Status::Invalid("a rule must be a map");
  for (const auto& kv : n) {
    const std::string k = kv.first.Scalar();
    const YAML::Node& v = kv.second;
    if (k == "alert") r->alert = v.Scalar();
    else if (k == "record") r->record = v.Scalar();
    else if (k == "expr") r->expr = v.Scalar();
    else if (k == "for") SKALD_RETURN_IF_ERROR(config::BindDuration(&r->for_ns)(v).Annotate("for"));
    else if (k == "keep_firing_for")
      SKALD_RETURN_IF_ERROR(config::BindDuration(&r->keep_firing_for_ns)(v).Annotate("keep_firing_for"));
    else if (k == "labels") SKALD_RETURN_IF_ERROR(ParsePairs(v, "labels", &r->labels));
    else if (k == "annotations") SKALD_RETURN_IF_ERROR(ParsePairs(v, "annotations", &r->annotations));
    else return Status::Invalid("field " + k + " not found in type rulefmt.RuleNode");
  }
  return Status::Ok();
}

Status ValidateExpr(const std::string& expr) {
  std::string e = Trim(expr);
  if (e.empty()) return Status::Invalid("field 'expr' must be set in rule");
  auto parsed = logql::ParseExpr(e);
  if (!parsed.ok()) return Status::Invalid("could not parse expression: " + parsed.status().message());
  if ((*parsed)->IsLog()) {
    return Status::Invalid(
        "could not parse expression: a log query cannot be evaluated by the ruler, only metric "
        "queries (a sample expression) can; to alert on matching lines use e.g. `count_over_time(" +
        e + " [1m]) > 0`");
  }
  return Status::Ok();
}

Status ValidateTemplates(const StringPairs& pairs, const char* what) {
  for (const auto& [k, v] : pairs) {
    auto t = PromTemplate::Parse(v);
    if (!t.ok()) return Status::Invalid(std::string(what) + " " + k + ": " + t.status().message());
  }
  return Status::Ok();
}

Result<RuleGroupDesc> DecodeGroupHeader(const YAML::Node& g, std::vector<YAML::Node>* rules) {
  if (!g.IsMap()) return Status::Invalid("a group must be a map");
  RuleGroupDesc out;
  for (const auto& kv : g) {
    const std::string k = kv.first.Scalar();
    if (k == "name") out.name = kv.second.Scalar();
    else if (k == "interval") SKALD_RETURN_IF_ERROR(config::BindDuration(&out.interval_ns)(kv.second).Annotate("interval"));
    else if (k == "limit") SKALD_RETURN_IF_ERROR(config::BindInt(&out.limit)(kv.second).Annotate("limit"));
    else if (k == "rules") {
      if (!kv.second.IsSequence() && !kv.second.IsNull()) return Status::Invalid("'rules' must be a list");
      for (const auto& r : kv.second) rules->push_back(r);
    } else if (k != "source_tenants") {
      return Status::Invalid("field " + k + " not found in type rulefmt.RuleGroup");
    }
  }
  if (out.name.empty()) return Status::Invalid("group name should not be empty");
  return out;
}

std::string Where(const std::string& file, const YAML::Node& n) {
  return file + ":" + std::to_string(n.Mark().line + 1) + ": ";
}

void ParseGroup(const std::string& file, const YAML::Node& g, std::set<std::string>* names,
                RuleFile* out) {
  std::vector<YAML::Node> rule_nodes;
  auto group = DecodeGroupHeader(g, &rule_nodes);
  if (!group.ok()) {
    out->errors.push_back(Where(file, g) + group.status().message());
    return;
  }
  if (!names->insert(group->name).second) {
    out->errors.push_back(Where(file, g) + "groupname: \"" + group->name + "\" is repeated in the same file");
    return;
  }
  for (const YAML::Node& rn : rule_nodes) {
    RuleDesc r;
    Status st = DecodeRule(rn, &r);
    if (st.ok()) st = ValidateRule(r);
    if (!st.ok()) {
      out->errors.push_back(Where(file, rn) + "group \"" + group->name + "\", rule \"" +
                            (rn.IsMap() ? r.Name() : "") + "\": " + st.message());
      continue;
    }
    group->rules.push_back(std::move(r));
  }
  out->groups.push_back(std::move(*group));
}

// The line of the first invalid UTF-8 sequence; 0 when the text is valid.
int InvalidUtf8Line(const std::string& text) {
  int line = 1;
  for (size_t pos = 0; pos <= text.size(); line++) {
    size_t nl = std::min(text.find('\n', pos), text.size());
    if (!simdjson::validate_utf8(text.data() + pos, nl - pos)) return line;
    pos = nl + 1;
  }
  return 0;
}

// The line of the first character YAML does not allow in a stream (c-printable): C0 controls but
// tab, LF and CR, DEL, and C1 controls but NEL; 0 when there is none. Call on valid UTF-8.
int ControlCharLine(const std::string& text) {
  int line = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') ++line;
    const bool c0 = (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f;
    const bool c1 = c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                    static_cast<unsigned char>(text[i + 1]) <= 0x9f && static_cast<unsigned char>(text[i + 1]) != 0x85;
    if (c0 || c1) return line;
  }
  return 0;
}

Result<YAML::Node> LoadYaml(const std::string& file, const std::string& text) {
  // yaml-cpp reads invalid UTF-8 but writes U+FFFD for it, and reads a NUL as something else, so
  // a group holding either would not survive the rules API's YAML round trip; Loki's YAML parser
  // refuses such text ("invalid UTF-8", "control characters are not allowed"), and so do we.
  if (int line = InvalidUtf8Line(text))
    return Status::Invalid(file + ":" + std::to_string(line) + ": yaml: invalid UTF-8");
  if (int line = ControlCharLine(text))
    return Status::Invalid(file + ":" + std::to_string(line) + ": yaml: control characters are not allowed");
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return Status::Invalid(file + ":" + std::to_string(e.mark.line + 1) + ": yaml: " + e.msg);
  }
}

}  // namespace

Status ValidateRule(const RuleDesc& r) {
  if (!r.alert.empty() && !r.record.empty()) return Status::Invalid("only one of 'record' and 'alert' must be set");
  if (r.alert.empty() && r.record.empty()) return Status::Invalid("one of 'record' or 'alert' must be set");
  SKALD_RETURN_IF_ERROR(ValidateExpr(r.expr));
  if (!r.record.empty()) {
    if (!IsMetricName(r.record)) return Status::Invalid("invalid recording rule name: " + r.record);
    if (!r.annotations.empty()) return Status::Invalid("invalid field 'annotations' in recording rule");
    if (r.for_ns != 0) return Status::Invalid("invalid field 'for' in recording rule");
    if (r.keep_firing_for_ns != 0) return Status::Invalid("invalid field 'keep_firing_for' in recording rule");
  }
  for (const auto& [k, v] : r.labels) {
    if (!IsValidLabelName(k)) return Status::Invalid("invalid label name: " + k);
  }
  for (const auto& [k, v] : r.annotations) {
    if (!IsValidLabelName(k)) return Status::Invalid("invalid annotation name: " + k);
  }
  if (r.IsAlert()) {
    SKALD_RETURN_IF_ERROR(ValidateTemplates(r.labels, "label"));
    SKALD_RETURN_IF_ERROR(ValidateTemplates(r.annotations, "annotation"));
  }
  return Status::Ok();
}

Result<RuleFile> ParseRuleFile(const std::string& file, const std::string& text) {
  auto root = LoadYaml(file, text);
  if (!root.ok()) return root.status();
  RuleFile out;
  if (root->IsNull()) return out;
  if (!root->IsMap()) return Status::Invalid(Where(file, *root) + "a rule file must be a map with 'groups'");
  std::set<std::string> names;
  for (const auto& kv : *root) {
    if (kv.first.Scalar() != "groups") {
      out.errors.push_back(Where(file, kv.first) + "field " + kv.first.Scalar() + " not found in type rulefmt.RuleGroups");
      continue;
    }
    if (!kv.second.IsSequence() && !kv.second.IsNull()) {
      return Status::Invalid(Where(file, kv.second) + "'groups' must be a list");
    }
    for (const auto& g : kv.second) ParseGroup(file, g, &names, &out);
  }
  return out;
}

Result<RuleGroupDesc> ParseRuleGroupYaml(const std::string& text) {
  auto root = LoadYaml("body", text);
  if (!root.ok()) return root.status();
  RuleFile f;
  std::set<std::string> names;
  ParseGroup("body", *root, &names, &f);
  if (!f.errors.empty()) return Status::Invalid(f.errors.front());
  return std::move(f.groups.front());
}

}  // namespace skald::ruler
