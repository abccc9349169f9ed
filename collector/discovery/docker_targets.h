// Docker meta labels as Prometheus' docker_sd (which Promtail uses) sets them, built from the
// `/containers/json` list and `/networks`; Promtail keeps one target per container.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "collector/collector_config.h"
#include "collector/discovery/target.h"
#include "common/status.h"

namespace skald::discovery {

// network id -> its __meta_docker_network_{id,name,scope,internal,ingress,label_*} labels.
using NetworkLabels = std::map<std::string, std::vector<Label>>;
Result<NetworkLabels> ParseNetworks(std::string_view networks_json);

// One target per container of a `/containers/json` body (first network; first TCP port, else the
// configured port). key = "docker/<id>"; path left empty for the caller (LogPath from inspect).
Result<std::vector<Target>> ContainersToTargets(std::string_view list_json, const NetworkLabels& nets,
                                                const DockerSDConfig& cfg);

// LogPath of a `/containers/<id>/json` inspect body.
Result<std::string> ParseLogPath(std::string_view inspect_json);

// Maps a LogPath under the daemon's root to where this process sees it: kept when it exists,
// else the part after "/containers/" is re-rooted under `data_root`.
std::string TranslateLogPath(const std::string& log_path, const std::string& data_root);

}  // namespace skald::discovery
