// Prometheus' alert/recording-rule template functions (humanize*, toUpper/toLower, reReplaceAll,
// match, stripPort) for the ruler's annotations; same output formats as Prometheus' templates.
#include <cmath>
#include <cstdlib>
#include <limits>

#include <re2/re2.h>

#include "common/gotemplate/function_args.h"
#include "common/gotemplate/unicode_case.h"

namespace skald::gotemplate::internal {
namespace {

std::string G4(double v, std::string_view suffix = "") {
  std::string s = GoSprintf("%.4g", {Value::Float(v)}, 0);
  s.append(suffix);
  return s;
}

Status Humanize(const Args& a, const TemplateData&, Value* out) {
  double v = CastFloat(a[0]);
  if (v == 0 || std::isnan(v) || std::isinf(v)) { *out = Value::Str(G4(v)); return Status::Ok(); }
  static const char* kBig[] = {"", "k", "M", "G", "T", "P", "E", "Z", "Y"};
  static const char* kSmall[] = {"", "m", "u", "n", "p", "f", "a", "z", "y"};
  size_t i = 0;
  if (std::fabs(v) >= 1) {
    while (std::fabs(v) >= 1000 && i + 1 < std::size(kBig)) { v /= 1000; ++i; }
    *out = Value::Str(G4(v, kBig[i]));
  } else {
    while (std::fabs(v) < 1 && i + 1 < std::size(kSmall)) { v *= 1000; ++i; }
    *out = Value::Str(G4(v, kSmall[i]));
  }
  return Status::Ok();
}

Status Humanize1024(const Args& a, const TemplateData&, Value* out) {
  double v = CastFloat(a[0]);
  if (std::fabs(v) <= 1 || std::isnan(v) || std::isinf(v)) { *out = Value::Str(G4(v)); return Status::Ok(); }
  static const char* kPrefix[] = {"", "ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"};
  size_t i = 0;
  while (std::fabs(v) >= 1024 && i + 1 < std::size(kPrefix)) { v /= 1024; ++i; }
  *out = Value::Str(G4(v, kPrefix[i]));
  return Status::Ok();
}

Status HumanizePercentage(const Args& a, const TemplateData&, Value* out) {
  *out = Value::Str(G4(CastFloat(a[0]) * 100, "%"));
  return Status::Ok();
}

Status HumanizeDuration(const Args& a, const TemplateData&, Value* out) {
  double v = CastFloat(a[0]);
  if (std::isnan(v) || std::isinf(v)) { *out = Value::Str(G4(v)); return Status::Ok(); }
  if (v == 0) { *out = Value::Str(G4(v, "s")); return Status::Ok(); }
  if (std::fabs(v) >= 1) {
    std::string sign = v < 0 ? "-" : "";
    v = std::fabs(v);
    // Beyond int64 seconds (~292 billion years) the cast would be UB: saturate.
    int64_t d = v >= 9.2e18 ? std::numeric_limits<int64_t>::max() : static_cast<int64_t>(v);
    int64_t sec = d % 60, min = (d / 60) % 60, hours = (d / 3600) % 24, days = d / 86400;
    auto n = [](int64_t x) { return std::to_string(x); };
    if (days != 0) { *out = Value::Str(sign + n(days) + "d " + n(hours) + "h " + n(min) + "m " + n(sec) + "s"); }
    else if (hours != 0) { *out = Value::Str(sign + n(hours) + "h " + n(min) + "m " + n(sec) + "s"); }
    else if (min != 0) { *out = Value::Str(sign + n(min) + "m " + n(sec) + "s"); }
    else { *out = Value::Str(sign + G4(v, "s")); }
    return Status::Ok();
  }
  static const char* kSmall[] = {"", "m", "u", "n", "p", "f", "a", "z", "y"};
  size_t i = 0;
  while (std::fabs(v) < 1 && i + 1 < std::size(kSmall)) { v *= 1000; ++i; }
  *out = Value::Str(G4(v, std::string(kSmall[i]) + "s"));
  return Status::Ok();
}

Status HumanizeTimestamp(const Args& a, const TemplateData&, Value* out) {
  double v = CastFloat(a[0]);
  if (std::isnan(v) || std::isinf(v)) { *out = Value::Str(G4(v)); return Status::Ok(); }
  *out = Value::TimeNs(static_cast<int64_t>(std::llround(v * 1e9)));
  return Status::Ok();
}

Status ToUpper(const Args& a, const TemplateData&, Value* out) {
  *out = Value::Str(gotemplate::ToUpper(StrVal(a[0])));
  return Status::Ok();
}

Status ToLower(const Args& a, const TemplateData&, Value* out) {
  *out = Value::Str(gotemplate::ToLower(StrVal(a[0])));
  return Status::Ok();
}

// reReplaceAll pattern replacement text: Go's regexp.ReplaceAllString with $1 expansion.
Status ReReplaceAll(const Args& a, const TemplateData&, Value* out) {
  RE2 re(StrVal(a[0]));
  if (!re.ok()) return Status::Invalid("error parsing regexp: " + re.error());
  std::string text = StrVal(a[2]), repl = StrVal(a[1]);
  std::string rewrite;  // Go's $1 / ${1} → RE2's \1
  for (size_t i = 0; i < repl.size(); ++i) {
    if (repl[i] == '\\') { rewrite += "\\\\"; continue; }
    if (repl[i] == '$' && i + 1 < repl.size() && std::isdigit(static_cast<unsigned char>(repl[i + 1]))) {
      rewrite += '\\'; rewrite += repl[++i]; continue;
    }
    if (repl[i] == '$' && i + 3 < repl.size() && repl[i + 1] == '{' && repl[i + 3] == '}') {
      rewrite += '\\'; rewrite += repl[i + 2]; i += 3; continue;
    }
    rewrite += repl[i];
  }
  RE2::GlobalReplace(&text, re, rewrite);
  *out = Value::Str(std::move(text));
  return Status::Ok();
}

Status Match(const Args& a, const TemplateData&, Value* out) {
  RE2 re(StrVal(a[0]));
  if (!re.ok()) return Status::Invalid("error parsing regexp: " + re.error());
  *out = Value::Bool(RE2::PartialMatch(StrVal(a[1]), re));
  return Status::Ok();
}

Status StripPort(const Args& a, const TemplateData&, Value* out) {
  std::string s = StrVal(a[0]);
  if (!s.empty() && s[0] == '[') {
    size_t e = s.find(']');
    *out = Value::Str(e == std::string::npos ? s : s.substr(1, e - 1));
  } else if (size_t c = s.rfind(':'); c != std::string::npos && s.find(':') == c) {
    *out = Value::Str(s.substr(0, c));
  } else {
    *out = Value::Str(s);
  }
  return Status::Ok();
}

}  // namespace

const std::vector<Function>& PrometheusFunctions() {
  static const std::vector<Function> k = {
      {"humanize", 1, 1, Humanize},
      {"humanize1024", 1, 1, Humanize1024},
      {"humanizePercentage", 1, 1, HumanizePercentage},
      {"humanizeDuration", 1, 1, HumanizeDuration},
      {"humanizeTimestamp", 1, 1, HumanizeTimestamp},
      {"toUpper", 1, 1, ToUpper},
      {"toLower", 1, 1, ToLower},
      {"reReplaceAll", 3, 3, ReReplaceAll},
      {"match", 2, 2, Match},
      {"stripPort", 1, 1, StripPort},
  };
  return k;
}

}  // namespace skald::gotemplate::internal
