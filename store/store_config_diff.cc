// Config defaults and diff rendering for /config (see store_config_diff.h); values are compared as
// their emitted YAML, so a map differs when any leaf under it does.
#include "store/store_config_diff.h"

#include <yaml-cpp/yaml.h>

#include "store/store_config_loader.h"

namespace skald {
namespace {

std::string Emit(const YAML::Node& n) {
  YAML::Emitter e;
  e << n;
  return e.c_str();
}

// Fills `out` with the entries of `a` that are not in `d` or differ from it (maps recursively).
void Diff(const YAML::Node& a, const YAML::Node& d, YAML::Node out) {
  for (const auto& kv : a) {
    const std::string key = kv.first.as<std::string>();
    const YAML::Node& av = kv.second;
    YAML::Node dv = d.IsMap() ? d[key] : YAML::Node();
    if (av.IsMap() && dv && dv.IsMap()) {
      YAML::Node sub(YAML::NodeType::Map);
      Diff(av, dv, sub);
      if (sub.size() > 0) out[key] = sub;
    } else if (!dv || Emit(av) != Emit(dv)) {
      out[key] = av;
    }
  }
}

}  // namespace

std::string StoreDefaultConfigYaml() {
  std::vector<std::string> warnings;
  auto cfg = ParseStoreConfig("defaults", "{}\n", false, &warnings);
  if (cfg.ok()) return StoreConfigToYaml(*cfg);
  StoreConfig c;
  DeriveStoreDefaults(&c);
  return StoreConfigToYaml(c);
}

std::string ConfigDiffYaml(const std::string& actual, const std::string& defaults) {
  try {
    YAML::Node a = YAML::Load(actual), d = YAML::Load(defaults);
    YAML::Node out(YAML::NodeType::Map);
    if (a.IsMap()) Diff(a, d, out);
    return Emit(out) + "\n";
  } catch (const YAML::Exception& e) {
    return std::string("# config diff unavailable: ") + e.what() + "\n";
  }
}

}  // namespace skald
