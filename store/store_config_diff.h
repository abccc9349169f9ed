// /config?mode=defaults and ?mode=diff as Loki answers them: the YAML of an empty config file, and
// only the values of the effective config that differ from it (nested maps kept as paths).
#pragma once

#include <string>

#include "store/store_config.h"

namespace skald {

// The effective YAML of a config file with nothing in it (defaults, path_prefix derivation applied).
std::string StoreDefaultConfigYaml();
// The keys of `actual` whose values differ from `defaults`, both YAML maps; "{}\n" when none.
std::string ConfigDiffYaml(const std::string& actual, const std::string& defaults);

}  // namespace skald
