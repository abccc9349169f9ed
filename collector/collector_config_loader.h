// Loads skald-collector's YAML (a Promtail 2.9 config) into CollectorConfig: checks every key
// against Promtail's sections, binds the ones skald uses, warns about the rest.
#pragma once

#include <string>
#include <vector>

#include "collector/collector_config.h"
#include "common/status.h"

namespace skald {

// Errors name file, line and key (all of them, one per line). relabel_configs and pipeline_stages
// are kept as YAML nodes (with their marks) for their own validators. Warnings are returned.
Result<CollectorConfig> LoadCollectorConfig(const std::string& path, bool expand_env,
                                            std::vector<std::string>* warnings);
Result<CollectorConfig> ParseCollectorConfig(const std::string& name, const std::string& yaml_text,
                                             bool expand_env, std::vector<std::string>* warnings);

// Cross-field checks (a client with a url, log level, ...). Called by the loaders.
Status ValidateCollectorConfig(const CollectorConfig& cfg);

// The effective configuration as YAML (for /config and -print-config-stderr).
std::string CollectorConfigToYaml(const CollectorConfig& cfg);

}  // namespace skald
