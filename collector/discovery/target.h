// Target: one file to tail with its discovered labels (meta labels included, before relabeling),
// as produced by Docker discovery or static file globs.
#pragma once

#include <string>

#include "common/labels.h"

namespace skald::discovery {

enum class TargetKind { kFile, kDockerJson };

struct Target {
  std::string key;        // unique and stable: "docker/<container id>" or the file path
  std::string path;       // the file read (LogPath translated under data_root, or the globbed path)
  LabelSet labels;        // discovered labels incl. __meta_*; relabeling happens in the shipper
  TargetKind kind = TargetKind::kFile;
  bool operator==(const Target&) const = default;
};

// Prometheus' label-name sanitizer: every byte outside [a-zA-Z0-9_] becomes '_'.
std::string SanitizeLabelName(std::string_view name);

}  // namespace skald::discovery
