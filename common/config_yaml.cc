// Config loading: env expansion, YAML parsing (yaml-cpp exceptions stop here), schema walking
// and typed binders. Every message is prefixed "file:line:" so users can jump to the key.
#include "common/config_yaml.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/logger.h"
#include "common/time_util.h"

namespace skald::config {
namespace {

bool IsNameStart(char c) { return std::isalpha((unsigned char)c) || c == '_'; }
bool IsNameChar(char c) { return std::isalnum((unsigned char)c) || c == '_'; }

// Expands the ${...} body starting after "${"; returns false when it is not a variable reference.
bool ExpandBraced(std::string_view body, std::string* out) {
  if (body.empty() || !IsNameStart(body[0])) return false;
  size_t i = 1;
  while (i < body.size() && IsNameChar(body[i])) ++i;
  std::string name(body.substr(0, i));
  const char* v = std::getenv(name.c_str());
  if (i == body.size()) {
    *out += v ? v : "";
    return true;
  }
  std::string_view rest = body.substr(i);
  if (rest.substr(0, 2) == ":-") {
    *out += (v && *v) ? std::string(v) : ExpandEnv(rest.substr(2));
    return true;
  }
  if (rest[0] == '-') {
    *out += v ? std::string(v) : ExpandEnv(rest.substr(1));
    return true;
  }
  return false;
}

// Finds the '}' matching the "${" at `open`, allowing nested ${...} in defaults.
size_t MatchBrace(std::string_view t, size_t open) {
  int depth = 0;
  for (size_t i = open; i < t.size(); ++i) {
    if (t[i] == '$' && i + 1 < t.size() && t[i + 1] == '{') {
      ++depth;
      ++i;
    } else if (t[i] == '}' && --depth == 0) {
      return i;
    }
  }
  return std::string_view::npos;
}

}  // namespace

std::string ExpandEnv(std::string_view t) {
  std::string out;
  out.reserve(t.size());
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] != '$' || i + 1 >= t.size()) {
      out += t[i];
      continue;
    }
    char n = t[i + 1];
    if (n == '$') {
      out += '$';
      ++i;
    } else if (n == '{') {
      size_t close = MatchBrace(t, i);
      if (close != std::string_view::npos && ExpandBraced(t.substr(i + 2, close - i - 2), &out)) {
        i = close;
      } else {
        out += '$';
      }
    } else if (IsNameStart(n)) {
      size_t j = i + 1;
      while (j < t.size() && IsNameChar(t[j])) ++j;
      const char* v = std::getenv(std::string(t.substr(i + 1, j - i - 1)).c_str());
      out += v ? v : "";
      i = j - 1;
    } else {
      out += '$';
    }
  }
  return out;
}

Result<ConfigDoc> ParseYamlText(const std::string& name, const std::string& text,
                                bool expand_env) {
  ConfigDoc doc;
  doc.file = name;
  doc.text = expand_env ? ExpandEnv(text) : text;
  try {
    doc.root = YAML::Load(doc.text);
  } catch (const YAML::Exception& e) {
    return Status::Invalid(name + ":" + std::to_string(e.mark.line + 1) + ":" +
                           std::to_string(e.mark.column + 1) + ": yaml: " + e.msg);
  }
  if (!doc.root || doc.root.IsNull()) doc.root = YAML::Node(YAML::NodeType::Map);
  if (!doc.root.IsMap()) {
    return Status::Invalid(name + ":" + std::to_string(doc.root.Mark().line + 1) +
                           ": the configuration must be a YAML mapping");
  }
  return doc;
}

Result<ConfigDoc> LoadYamlFile(const std::string& path, bool expand_env) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read config file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseYamlText(path, ss.str(), expand_env);
}

// --- schema ----------------------------------------------------------------------------------

Key Value(std::string name, Binder bind) {
  Key k;
  k.name = std::move(name);
  k.kind = Key::Kind::kValue;
  k.bind = std::move(bind);
  return k;
}

Key Section(std::string name, Schema children) {
  Key k;
  k.name = std::move(name);
  k.kind = Key::Kind::kSection;
  k.children = std::move(children);
  return k;
}

Key List(std::string name, std::function<Schema(size_t)> item_schema) {
  Key k;
  k.name = std::move(name);
  k.kind = Key::Kind::kList;
  k.item_schema = std::move(item_schema);
  return k;
}

Key Unused(std::string name) {
  Key k;
  k.name = std::move(name);
  k.kind = Key::Kind::kUnused;
  return k;
}

Schema WithUnused(Schema keys, std::initializer_list<const char*> unused) {
  for (const char* u : unused) keys.push_back(Unused(u));
  return keys;
}

Key UnusedValue(std::string name, Binder bind) {
  Key k = Value(std::move(name), std::move(bind));
  k.warn_unused = true;
  return k;
}

std::string ClosestKey(std::string_view name, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_d = std::max<size_t>(2, name.size() / 3) + 1;
  for (const std::string& c : candidates) {
    std::vector<size_t> prev(c.size() + 1), cur(c.size() + 1);
    for (size_t j = 0; j <= c.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= name.size(); ++i) {
      cur[0] = i;
      for (size_t j = 1; j <= c.size(); ++j) {
        size_t sub = prev[j - 1] + (name[i - 1] == c[j - 1] ? 0 : 1);
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
      }
      std::swap(prev, cur);
    }
    if (prev[c.size()] < best_d) {
      best_d = prev[c.size()];
      best = c;
    }
  }
  return best;
}

std::string Walker::Where(const YAML::Node& n) const {
  return file_ + ":" + std::to_string(n.Mark().line + 1);
}

void Walker::AddError(const YAML::Node& at, const std::string& msg) {
  errors_.push_back(Where(at) + ": " + msg);
}

void Walker::AddWarning(const YAML::Node& at, const std::string& path, const std::string& msg) {
  if (std::find(warned_paths_.begin(), warned_paths_.end(), path) != warned_paths_.end()) return;
  warned_paths_.push_back(path);
  warnings_.push_back(Where(at) + ": " + msg);
}

Status Walker::ToStatus() const {
  if (errors_.empty()) return Status::Ok();
  std::string msg;
  for (const std::string& e : errors_) msg += (msg.empty() ? "" : "\n") + e;
  return Status::Invalid(msg);
}

void Walker::LogWarnings() const {
  for (const std::string& w : warnings_) SKALD_LOG(warn, w);
}

void Walker::Walk(const YAML::Node& map, const Schema& keys, const std::string& section) {
  if (!map || map.IsNull()) return;
  if (!map.IsMap()) {
    AddError(map, section.empty() ? "expected a mapping"
                                  : "section \"" + section + "\" must be a mapping");
    return;
  }
  std::vector<std::string> seen;
  for (const auto& kv : map) {
    std::string name = kv.first.Scalar();
    std::string path = section.empty() ? name : section + "." + name;
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      AddError(kv.first, "key \"" + path + "\" is set twice");
      continue;
    }
    seen.push_back(name);
    auto it = std::find_if(keys.begin(), keys.end(), [&](const Key& k) { return k.name == name; });
    if (it == keys.end()) {
      std::vector<std::string> names;
      for (const Key& k : keys) names.push_back(k.name);
      std::string msg = "unknown key \"" + name + "\"" +
                        (section.empty() ? " at top level" : " in section \"" + section + "\"");
      std::string hint = ClosestKey(name, names);
      if (!hint.empty()) msg += " (did you mean " + hint + "?)";
      AddError(kv.first, msg);
      continue;
    }
    WalkKey(kv.first, kv.second, *it, path);
  }
}

void Walker::WalkKey(const YAML::Node& key_node, const YAML::Node& value, const Key& key,
                     const std::string& path) {
  switch (key.kind) {
    case Key::Kind::kUnused:
      AddWarning(key_node, path, "key \"" + path + "\" is not used by skald (accepted, ignored)");
      return;
    case Key::Kind::kSection:
      Walk(value, key.children, path);
      return;
    case Key::Kind::kList:
      if (!value || value.IsNull()) return;
      if (!value.IsSequence()) {
        AddError(key_node, "key \"" + path + "\" must be a list");
        return;
      }
      for (size_t i = 0; i < value.size(); ++i) Walk(value[i], key.item_schema(i), path);
      return;
    case Key::Kind::kValue:
      if (key.warn_unused) {
        AddWarning(key_node, path, "key \"" + path + "\" is not used by skald (accepted, ignored)");
      }
      if (!key.bind) return;
      try {
        Status st = key.bind(value);
        if (!st.ok()) AddError(key_node, "key \"" + path + "\": " + st.message());
      } catch (const YAML::Exception& e) {
        AddError(key_node, "key \"" + path + "\": " + e.msg);
      }
      return;
  }
}

}  // namespace skald::config
