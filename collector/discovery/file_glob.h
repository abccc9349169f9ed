// Static file targets: `__path__` globs with `*`, `?`, `[..]` per segment and `**` across
// directories, minus `__path_exclude__`, rescanned every target_sync_period.
#pragma once

#include <string>
#include <vector>

#include "collector/collector_config.h"
#include "collector/discovery/target.h"

namespace skald::discovery {

// True when `path` matches `pattern` (doublestar semantics: `**` spans zero or more segments).
bool GlobMatch(const std::string& pattern, const std::string& path);
// Regular files matching `pattern`, sorted.
std::vector<std::string> ExpandGlob(const std::string& pattern);
// One target per matched file of every static config (labels as configured plus __path__).
std::vector<Target> StaticFileTargets(const std::vector<StaticConfig>& configs);

}  // namespace skald::discovery
