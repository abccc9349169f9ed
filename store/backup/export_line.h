// The export/import line format (JSON lines, see FORMAT.md): one log entry per line with its stream
// labels, nanosecond timestamp, line and structured metadata. Encoder for export, parser for import.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/labels.h"
#include "common/status.h"

namespace skald::backup {

struct ExportEntry {
  std::string labels;              // stream selector text, e.g. {app="api", env="prod"}
  int64_t ts_ns = 0;
  std::string line;
  std::vector<Label> metadata;     // structured metadata, in order
  std::vector<Label> parsed;       // labels a pipeline extracted (export only; import ignores them)
};

// Appends one JSON object and '\n'. Invalid UTF-8 in any string becomes U+FFFD, as in Loki's JSON.
void AppendExportLine(std::string_view labels, int64_t ts_ns, std::string_view line,
                      const std::vector<Label>* metadata, const std::vector<Label>* parsed, std::string* out);

// Appends `s` as a quoted JSON string (same escaping as AppendExportLine).
void AppendJsonString(std::string_view s, std::string* out);

// Parses one line (without its '\n'). An `error` line (export failed mid-stream) → that error.
class ExportLineParser {
 public:
  ExportLineParser();
  ~ExportLineParser();
  Status Parse(std::string_view json, ExportEntry* out);

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace skald::backup
