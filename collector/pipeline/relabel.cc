// relabel_configs: YAML → rules (with Prometheus's validation) and the per-rule label rewrite.
#include "collector/pipeline/relabel.h"

#include <algorithm>

#include "common/digest.h"
#include "collector/pipeline/stages/config.h"

namespace skald::pipeline {
namespace {

struct ActionName {
  const char* name;
  RelabelAction action;
};
constexpr ActionName kActions[] = {
    {"replace", RelabelAction::kReplace},     {"keep", RelabelAction::kKeep},
    {"drop", RelabelAction::kDrop},           {"keepequal", RelabelAction::kKeepEqual},
    {"dropequal", RelabelAction::kDropEqual}, {"hashmod", RelabelAction::kHashMod},
    {"labelmap", RelabelAction::kLabelMap},   {"labeldrop", RelabelAction::kLabelDrop},
    {"labelkeep", RelabelAction::kLabelKeep}, {"lowercase", RelabelAction::kLowercase},
    {"uppercase", RelabelAction::kUppercase}};

const char* ActionString(RelabelAction a) {
  for (const auto& n : kActions)
    if (n.action == a) return n.name;
  return "?";
}

// Prometheus's relabelTarget: label name characters with optional $-references.
bool ValidReplaceTarget(const std::string& t) {
  auto re = CompileRegexp(R"(^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$)");
  return re.ok() && RE2::FullMatch(t, **re);
}

Status Err(const std::string& file, const YAML::Node& n, const std::string& key, const std::string& msg) {
  return Status::Invalid(Where(file, n) + ": relabel_configs: " + (key.empty() ? "" : key + ": ") + msg);
}

Status Validate(const RelabelRule& r, const std::string& file, const YAML::Node& n) {
  const char* act = ActionString(r.action);
  auto needs_target = {RelabelAction::kReplace, RelabelAction::kHashMod, RelabelAction::kLowercase,
                       RelabelAction::kUppercase, RelabelAction::kKeepEqual, RelabelAction::kDropEqual};
  bool want_target = std::find(needs_target.begin(), needs_target.end(), r.action) != needs_target.end();
  if (r.action == RelabelAction::kHashMod && r.modulus == 0)
    return Err(file, n, "modulus", "relabel configuration for hashmod requires non-zero modulus");
  if (want_target && r.target_label.empty())
    return Err(file, n, "target_label",
               std::string("relabel configuration for ") + act + " action requires 'target_label' value");
  if (r.action == RelabelAction::kReplace && !ValidReplaceTarget(r.target_label))
    return Err(file, n, "target_label", GoQuote(r.target_label) + " is invalid 'target_label' for replace action");
  if (want_target && r.action != RelabelAction::kReplace && !IsValidLabelName(r.target_label))
    return Err(file, n, "target_label",
               GoQuote(r.target_label) + " is invalid 'target_label' for " + act + " action");
  if ((r.action == RelabelAction::kKeepEqual || r.action == RelabelAction::kDropEqual) &&
      (r.regex_text != "(.*)" || r.modulus != 0 || r.separator != ";" || r.replacement != "$1"))
    return Err(file, n, "", std::string(act) + " action requires only 'source_labels' and `target_label`, and no other fields");
  if ((r.action == RelabelAction::kLabelDrop || r.action == RelabelAction::kLabelKeep) &&
      (!r.source_labels.empty() || !r.target_label.empty() || r.modulus != 0 || r.separator != ";" ||
       r.replacement != "$1"))
    return Err(file, n, "", std::string(act) + " action requires only 'regex', and no other fields");
  return Status::Ok();
}

Result<RelabelRule> ParseRule(const YAML::Node& n, const std::string& file) {
  if (!n.IsMap()) return Err(file, n, "", "each rule must be a map");
  RelabelRule r;
  for (const auto& kv : n) {
    std::string k = kv.first.Scalar();
    const YAML::Node& v = kv.second;
    if (k == "source_labels") {
      if (v.IsSequence()) {
        for (const auto& s : v) r.source_labels.push_back(s.Scalar());
      } else if (!v.IsNull()) {
        return Err(file, v, k, "expected a list of label names");
      }
      for (const auto& s : r.source_labels)
        if (!IsValidLabelName(s)) return Err(file, v, k, GoQuote(s) + " is not a valid label name");
      continue;
    }
    if (!v.IsScalar() && !v.IsNull()) return Err(file, v, k, "expected a scalar");
    std::string s = v.IsNull() ? "" : v.Scalar();
    if (k == "separator") r.separator = s;
    else if (k == "regex") r.regex_text = s;
    else if (k == "target_label") r.target_label = s;
    else if (k == "replacement") r.replacement = s;
    else if (k == "modulus") {
      try {
        r.modulus = std::stoull(s);
      } catch (...) {
        return Err(file, v, k, "expected an unsigned integer, got " + GoQuote(s));
      }
    } else if (k == "action") {
      std::string a = s;
      std::transform(a.begin(), a.end(), a.begin(), ::tolower);
      auto it = std::find_if(std::begin(kActions), std::end(kActions), [&](const auto& x) { return a == x.name; });
      if (it == std::end(kActions)) return Err(file, v, k, "unknown relabel action " + GoQuote(s));
      r.action = it->action;
    } else {
      return Err(file, kv.first, "", "unknown key " + GoQuote(k));
    }
  }
  auto re = CompileRegexp("^(?:" + r.regex_text + ")$");
  if (!re.ok()) return Err(file, n["regex"], "regex", "invalid regex " + GoQuote(r.regex_text) + ": " + re.status().message());
  r.regex = *re;
  SKALD_RETURN_IF_ERROR(Validate(r, file, n));
  r.identity = r.regex_text == "(.*)" && r.replacement == "$1" && IsValidLabelName(r.target_label);
  return r;
}

std::string JoinSources(const RelabelRule& r, const LabelSet& ls) {
  std::string v;
  for (size_t i = 0; i < r.source_labels.size(); ++i) {
    if (i) v += r.separator;
    if (auto x = ls.Get(r.source_labels[i])) v.append(*x);
  }
  return v;
}

void ApplyReplace(const RelabelRule& r, const std::string& val, LabelSet& ls) {
  // Fast path for the default `(.*)` → `$1` into a plain label (`.` stops at newlines, so only then).
  if (r.identity && val.find('\n') == std::string::npos) {
    if (val.empty()) ls.Erase(r.target_label);
    else ls.Set(r.target_label, val);
    return;
  }
  const re2::RE2& re = *r.regex;
  std::vector<re2::StringPiece> g(re.NumberOfCapturingGroups() + 1);
  if (!re.Match(val, 0, val.size(), RE2::UNANCHORED, g.data(), static_cast<int>(g.size()))) return;
  std::string target, res;
  GoExpand(re, r.target_label, g, &target);
  if (!IsValidLabelName(target)) return;
  GoExpand(re, r.replacement, g, &res);
  if (res.empty()) ls.Erase(target);
  else ls.Set(target, res);
}

uint64_t HashMod(const std::string& val, uint64_t modulus) {
  auto h = Md5(val);
  uint64_t s = 0;
  for (int i = 8; i < 16; ++i) s = (s << 8) | h[i];
  return s % modulus;
}

void ApplyLabelOps(const RelabelRule& r, LabelSet& ls) {
  const re2::RE2& re = *r.regex;
  std::vector<Label> orig(ls.begin(), ls.end());
  for (const Label& l : orig) {
    bool m = RE2::FullMatch(l.name, re);
    if (r.action == RelabelAction::kLabelDrop && m) ls.Erase(l.name);
    else if (r.action == RelabelAction::kLabelKeep && !m) ls.Erase(l.name);
    else if (r.action == RelabelAction::kLabelMap && m) {
      std::vector<re2::StringPiece> g(re.NumberOfCapturingGroups() + 1);
      re.Match(l.name, 0, l.name.size(), RE2::ANCHOR_BOTH, g.data(), static_cast<int>(g.size()));
      std::string name;
      GoExpand(re, r.replacement, g, &name);
      ls.Set(name, l.value);
    }
  }
}

std::string Cased(std::string s, bool upper) {
  for (char& c : s) c = upper ? static_cast<char>(::toupper(static_cast<unsigned char>(c)))
                              : static_cast<char>(::tolower(static_cast<unsigned char>(c)));
  return s;
}

// One rule; false when it drops the target.
bool Apply(const RelabelRule& r, LabelSet& ls) {
  std::string val = JoinSources(r, ls);
  auto target = [&] { auto v = ls.Get(r.target_label); return v ? std::string(*v) : std::string(); };
  switch (r.action) {
    case RelabelAction::kDrop: return !RE2::FullMatch(val, *r.regex);
    case RelabelAction::kKeep: return RE2::FullMatch(val, *r.regex);
    case RelabelAction::kDropEqual: return target() != val;
    case RelabelAction::kKeepEqual: return target() == val;
    case RelabelAction::kReplace: ApplyReplace(r, val, ls); return true;
    case RelabelAction::kLowercase: ls.Set(r.target_label, Cased(val, false)); return true;
    case RelabelAction::kUppercase: ls.Set(r.target_label, Cased(val, true)); return true;
    case RelabelAction::kHashMod: ls.Set(r.target_label, std::to_string(HashMod(val, r.modulus))); return true;
    default: ApplyLabelOps(r, ls); return true;
  }
}

}  // namespace

Result<Relabeler> Relabeler::Parse(const YAML::Node& rules, const std::string& file) {
  Relabeler out;
  if (!rules.IsDefined() || rules.IsNull()) return out;
  if (!rules.IsSequence()) return Err(file, rules, "", "expected a list of rules");
  for (const auto& n : rules) {
    auto r = ParseRule(n, file);
    if (!r.ok()) return r.status();
    out.rules_.push_back(std::move(*r));
  }
  return out;
}

bool Relabeler::Process(LabelSet& ls) const {
  for (const auto& r : rules_)
    if (!Apply(r, ls)) return false;
  return true;
}

LabelSet DropReservedLabels(const LabelSet& ls) {
  std::vector<Label> keep;
  for (const Label& l : ls)
    if (l.name.rfind("__", 0) != 0) keep.push_back(l);
  return LabelSet(std::move(keep));
}

}  // namespace skald::pipeline
