// Promtail's `--dry-run --stdin`: every stdin line goes through each scrape config's relabeling and
// pipeline_stages and is printed as `<time>\t<labels>\t<line>` instead of being pushed.
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "collector/collector_config.h"
#include "common/labels.h"

namespace skald::pipeline {

struct DryRunOptions {
  // Target labels for docker_sd scrape configs (e.g. __meta_docker_container_name=/web), as a real
  // container's discovery would give them. static_configs use their own labels.
  std::vector<Label> target_labels;
  // Fixed "now" for lines without their own time (tests); 0 = the wall clock.
  int64_t now_ns = 0;
};

// Docker json-file records (`{"log":..,"stream":..,"time":..}`) on stdin are decoded the way
// Promtail's docker target does for docker_sd configs (message without the trailing newline, the
// record's time, __meta_docker_container_log_stream); other lines are taken as-is with time now.
// Returns 0, or 1 after printing a config error to `err`.
int RunDryRun(const CollectorConfig& cfg, const DryRunOptions& opts, std::istream& in, std::ostream& out,
              std::ostream& err);
// The lead's entry point: target labels from $SKALD_DRY_RUN_LABELS (`a=b,c=d`), errors to stderr.
int RunDryRun(const CollectorConfig& cfg, std::istream& in, std::ostream& out);

// `2006-01-02T15:04:05.999999999-0700 {a="b"} line`, tab-separated, as Promtail prints entries.
std::string FormatDryRunEntry(int64_t ts_ns, const LabelSet& labels, std::string_view line);

}  // namespace skald::pipeline
