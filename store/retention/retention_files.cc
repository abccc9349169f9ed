// YAML parsing for the retention rules file and runtime overrides. yaml-cpp exceptions stay inside
// this file; every error is a Status naming file:line and the offending key.
#include "store/retention/retention_files.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "common/logql/parser.h"
#include "common/time_util.h"

namespace skald::retention {
namespace {

// A missing key's node has no mark (Mark() would throw InvalidNode): callers check presence first.
std::string Where(const std::string& name, const YAML::Node& n) {
  if (!n) return name;
  return name + ":" + std::to_string(n.Mark().line + 1);
}

Result<YAML::Node> LoadYaml(const std::string& name, const std::string& text) {
  try {
    YAML::Node root = YAML::Load(text);
    return root;
  } catch (const YAML::Exception& e) {
    return Status::Invalid(name + ":" + std::to_string(e.mark.line + 1) + ": yaml: " + e.msg);
  }
}

Result<int64_t> Duration(const std::string& name, const YAML::Node& n, const std::string& key) {
  if (!n || !n.IsScalar()) return Status::Invalid(Where(name, n) + ": " + key + ": want a duration like 30d or 720h");
  auto d = ParseConfigDuration(n.Scalar());
  if (!d.ok()) return Status::Invalid(Where(name, n) + ": " + key + ": " + d.status().message());
  if (*d < 0) return Status::Invalid(Where(name, n) + ": " + key + ": must not be negative");
  return *d;
}

Result<Matchers> Selector(const std::string& name, const YAML::Node& n, const std::string& key) {
  if (!n || !n.IsScalar()) return Status::Invalid(Where(name, n) + ": " + key + ": want a stream selector");
  auto ms = logql::ParseStreamSelector(n.Scalar());
  if (!ms.ok()) return Status::Invalid(Where(name, n) + ": " + key + ": " + ms.status().message());
  return ms;
}

Status CheckKeys(const std::string& name, const YAML::Node& map, std::initializer_list<const char*> known) {
  if (!map.IsMap()) return Status::Invalid(Where(name, map) + ": expected a mapping");
  for (const auto& kv : map) {
    bool ok = false;
    for (const char* k : known) ok = ok || kv.first.Scalar() == k;
    if (!ok) return Status::Invalid(Where(name, kv.first) + ": unknown key \"" + kv.first.Scalar() + "\"");
  }
  return Status::Ok();
}

Result<StreamRule> RuleFileEntry(const std::string& name, const YAML::Node& item) {
  SKALD_RETURN_IF_ERROR(CheckKeys(name, item, {"match", "retention"}));
  if (!item["match"]) return Status::Invalid(Where(name, item) + ": missing key \"match\"");
  if (!item["retention"]) return Status::Invalid(Where(name, item) + ": missing key \"retention\"");
  auto ms = Selector(name, item["match"], "match");
  if (!ms.ok()) return ms.status();
  auto d = Duration(name, item["retention"], "retention");
  if (!d.ok()) return d.status();
  if (Status st = CheckRulePeriod(*d); !st.ok()) return Status::Invalid(Where(name, item["retention"]) + ": " + st.message());
  return StreamRule{std::move(*ms), 0, *d, Where(name, item)};
}

Result<std::vector<StreamRule>> TenantStreams(const std::string& name, const YAML::Node& list) {
  if (!list.IsSequence()) return Status::Invalid(Where(name, list) + ": retention_stream: want a list");
  std::vector<StreamRule> out;
  for (const auto& item : list) {
    SKALD_RETURN_IF_ERROR(CheckKeys(name, item, {"selector", "priority", "period"}));
    for (const char* key : {"selector", "period"})
      if (!item[key]) return Status::Invalid(Where(name, item) + ": retention_stream: missing key \"" + key + "\"");
    auto ms = Selector(name, item["selector"], "selector");
    if (!ms.ok()) return ms.status();
    auto d = Duration(name, item["period"], "period");
    if (!d.ok()) return d.status();
    if (Status st = CheckRulePeriod(*d); !st.ok()) return Status::Invalid(Where(name, item["period"]) + ": " + st.message());
    int prio = 0;
    try {
      if (item["priority"]) prio = item["priority"].as<int>();
    } catch (const YAML::Exception&) {
      return Status::Invalid(Where(name, item["priority"]) + ": priority: want an integer");
    }
    out.push_back(StreamRule{std::move(*ms), prio, *d, Where(name, item)});
  }
  return out;
}

Result<TenantRetention> TenantBlock(const std::string& name, const YAML::Node& block) {
  TenantRetention t;
  if (!block || block.IsNull()) return t;
  if (!block.IsMap()) return Status::Invalid(Where(name, block) + ": tenant overrides must be a mapping");
  if (block["retention_period"]) {
    auto d = Duration(name, block["retention_period"], "retention_period");
    if (!d.ok()) return d.status();
    t.period_ns = *d;
  }
  if (block["retention_stream"]) {
    auto rs = TenantStreams(name, block["retention_stream"]);
    if (!rs.ok()) return rs.status();
    t.streams = std::move(*rs);
  }
  if (const YAML::Node m = block["deletion_mode"]; m && !m.IsNull()) {   // empty: inherit
    auto mode = ParseDeletionMode(m.IsScalar() ? m.Scalar() : std::string());
    if (!mode.ok()) return Status::Invalid(Where(name, m) + ": deletion_mode: " + mode.status().message());
    t.deletion_mode = *mode;
  }
  return t;
}

}  // namespace

Result<std::vector<StreamRule>> ParseRetentionRules(const std::string& name, const std::string& text) {
  auto root = LoadYaml(name, text);
  if (!root.ok()) return root.status();
  std::vector<StreamRule> out;
  if (!*root || root->IsNull()) return out;
  if (!root->IsSequence())
    return Status::Invalid(Where(name, *root) + ": want a list of `- match: '{...}'` / `retention: 30d` entries");
  for (const auto& item : *root) {
    auto r = RuleFileEntry(name, item);
    if (!r.ok()) return r.status();
    out.push_back(std::move(*r));
  }
  return out;
}

Result<std::vector<StreamRule>> LoadRetentionRulesFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read retention rules file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseRetentionRules(path, ss.str());
}

Result<std::map<std::string, TenantRetention>> ParseRuntimeOverrides(const std::string& name,
                                                                     const std::string& text) {
  auto root = LoadYaml(name, text);
  if (!root.ok()) return root.status();
  std::map<std::string, TenantRetention> out;
  if (!*root || root->IsNull()) return out;
  if (!root->IsMap()) return Status::Invalid(Where(name, *root) + ": the runtime config must be a YAML mapping");
  YAML::Node ov = (*root)["overrides"];
  if (!ov || ov.IsNull()) return out;
  if (!ov.IsMap()) return Status::Invalid(Where(name, ov) + ": overrides: want a mapping of tenant → limits");
  for (const auto& kv : ov) {
    auto t = TenantBlock(name, kv.second);
    if (!t.ok()) return t.status().Annotate("overrides." + kv.first.Scalar());
    out.emplace(kv.first.Scalar(), std::move(*t));
  }
  return out;
}

}  // namespace skald::retention
