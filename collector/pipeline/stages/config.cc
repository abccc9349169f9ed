// Stage config reading with file:line errors; Go duration parsing and float formatting.
#include "collector/pipeline/stages/config.h"

#include <charconv>
#include <cmath>

namespace skald::pipeline {

std::string Where(const std::string& file, const YAML::Node& n) {
  int line = n.IsDefined() ? n.Mark().line + 1 : 0;
  return file + ":" + std::to_string(line > 0 ? line : 0);
}

ConfigReader::ConfigReader(const YAML::Node& node, std::string stage, const StageContext& ctx)
    : node_(node), stage_(std::move(stage)), ctx_(ctx) {}

Status ConfigReader::Error(const char* key, const std::string& msg) const {
  YAML::Node at = key && node_.IsMap() && node_[key].IsDefined() ? node_[key] : node_;
  std::string where = Where(ctx_.file, at);
  return Status::Invalid(where + ": " + stage_ + " stage: " + (key ? std::string(key) + ": " : "") + msg);
}

void ConfigReader::Fail(const char* key, const std::string& msg) {
  if (err_.ok()) err_ = Error(key, msg);
}

std::optional<std::string> ConfigReader::String(const char* key) {
  if (!Has(key)) return std::nullopt;
  YAML::Node n = node_[key];
  if (!n.IsScalar()) {
    Fail(key, "expected a string");
    return std::nullopt;
  }
  return n.Scalar();
}

std::optional<double> ConfigReader::Double(const char* key) {
  auto s = String(key);
  if (!s) return std::nullopt;
  try {
    size_t pos = 0;
    double d = std::stod(*s, &pos);
    if (pos == s->size()) return d;
  } catch (...) {
  }
  Fail(key, "expected a number, got \"" + *s + "\"");
  return std::nullopt;
}

std::optional<int64_t> ConfigReader::Int(const char* key) {
  auto s = String(key);
  if (!s) return std::nullopt;
  int64_t v = 0;
  auto r = std::from_chars(s->data(), s->data() + s->size(), v);
  if (r.ec == std::errc() && r.ptr == s->data() + s->size()) return v;
  Fail(key, "expected an integer, got \"" + *s + "\"");
  return std::nullopt;
}

std::optional<bool> ConfigReader::Bool(const char* key) {
  auto s = String(key);
  if (!s) return std::nullopt;
  if (*s == "true" || *s == "True" || *s == "TRUE" || *s == "yes" || *s == "on") return true;
  if (*s == "false" || *s == "False" || *s == "FALSE" || *s == "no" || *s == "off") return false;
  Fail(key, "expected true or false, got \"" + *s + "\"");
  return std::nullopt;
}

std::optional<int64_t> ConfigReader::DurationNs(const char* key) {
  auto s = String(key);
  if (!s) return std::nullopt;
  auto d = ParseGoDuration(*s);
  if (!d.ok()) {
    Fail(key, d.status().message());
    return std::nullopt;
  }
  return *d;
}

std::vector<std::string> ConfigReader::StringList(const char* key) {
  std::vector<std::string> out;
  if (!Has(key)) return out;
  YAML::Node n = node_[key];
  if (n.IsScalar()) return {n.Scalar()};
  if (!n.IsSequence()) {
    Fail(key, "expected a list of strings");
    return out;
  }
  for (const auto& v : n) {
    if (!v.IsScalar()) {
      Fail(key, "expected a list of strings");
      return {};
    }
    out.push_back(v.Scalar());
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> ConfigReader::StringMap(const char* key) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!Has(key)) return out;
  YAML::Node n = node_[key];
  if (!n.IsMap()) {
    Fail(key, "expected a map");
    return out;
  }
  for (const auto& kv : n) {
    if (!kv.second.IsNull() && !kv.second.IsScalar()) {
      Fail(key, "value of \"" + kv.first.Scalar() + "\" must be a string");
      return {};
    }
    out.emplace_back(kv.first.Scalar(), kv.second.IsNull() ? std::string() : kv.second.Scalar());
  }
  return out;
}

void ConfigReader::Only(std::initializer_list<const char*> known) {
  if (node_.IsDefined() && !node_.IsNull() && !node_.IsMap()) Fail(nullptr, "expected a map of settings");
  if (!node_.IsMap()) return;
  for (const auto& kv : node_) {
    std::string k = kv.first.Scalar();
    bool ok = false;
    for (const char* n : known) ok = ok || k == n;
    if (!ok && err_.ok())
      err_ = Status::Invalid(Where(ctx_.file, kv.first) + ": " + stage_ + " stage: unknown key \"" + k + "\"");
  }
}

Result<int64_t> ParseGoDuration(std::string_view orig) {
  std::string_view s = orig;
  auto bad = [&] { return Status::Invalid("time: invalid duration \"" + std::string(orig) + "\""); };
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) neg = s[0] == '-', s.remove_prefix(1);
  if (s == "0") return int64_t{0};
  if (s.empty()) return bad();
  double total = 0;
  while (!s.empty()) {
    size_t i = 0;
    while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
    if (i == 0) return bad();
    double v = 0;
    try {
      v = std::stod(std::string(s.substr(0, i)));
    } catch (...) {
      return bad();
    }
    s.remove_prefix(i);
    size_t u = 0;
    while (u < s.size() && !((s[u] >= '0' && s[u] <= '9') || s[u] == '.')) ++u;
    std::string_view unit = s.substr(0, u);
    s.remove_prefix(u);
    double mult = 0;
    if (unit == "ns") mult = 1;
    else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") mult = 1e3;
    else if (unit == "ms") mult = 1e6;
    else if (unit == "s") mult = 1e9;
    else if (unit == "m") mult = 60e9;
    else if (unit == "h") mult = 3600e9;
    else if (unit.empty()) return Status::Invalid("time: missing unit in duration \"" + std::string(orig) + "\"");
    else return Status::Invalid("time: unknown unit \"" + std::string(unit) + "\" in duration \"" + std::string(orig) + "\"");
    total += v * mult;
  }
  int64_t ns = static_cast<int64_t>(std::llround(total));
  return neg ? -ns : ns;
}

std::string FormatGoFloat(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[400];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  return std::string(buf, r.ptr);
}

}  // namespace skald::pipeline
