// Loaders for the two retention files: skald's rules file (the seed's `- match: '{..}'` /
// `retention: 90d` list, compactor.retention_rules_file) and runtime_config.file's overrides.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/retention/retention_policy.h"

namespace skald::retention {

// Entries in file order; each StreamRule's source is "file:line". `name` is used in messages.
// Errors name file:line (bad YAML, unknown key, bad selector, bad or missing duration).
Result<std::vector<StreamRule>> ParseRetentionRules(const std::string& name, const std::string& text);
Result<std::vector<StreamRule>> LoadRetentionRulesFile(const std::string& path);

// `overrides: {<tenant>: {retention_period, retention_stream, deletion_mode}}`; other per-tenant
// limits and other top-level keys are left to their owners. An empty or missing `overrides` gives
// an empty map.
Result<std::map<std::string, TenantRetention>> ParseRuntimeOverrides(const std::string& name,
                                                                     const std::string& text);

}  // namespace skald::retention
