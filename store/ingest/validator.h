// Validator: Loki's distributor checks on one push — stream labels (count, name/value length,
// duplicates, missing), entries (too old/new, line size with optional truncation, structured
// metadata), plus service_name discovery. Invalid parts are dropped and reported; valid ones kept.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/log_entry.h"
#include "store/ingest/grouped_errors.h"
#include "store/ingest/push_decoder.h"
#include "store/ingest/push_metrics.h"
#include "store/store_config.h"

namespace skald::ingest {

// Loki 3's default `discover_service_name` label list, in priority order.
const std::vector<std::string>& DefaultServiceNameLabels();
// Adds service_name from the first present label of `from`, else `unknown_service`; no-op when the
// set already has service_name. Returns true if it added one.
bool DiscoverServiceName(LabelSet* labels, const std::vector<std::string>& from);

struct ValidatedStream {
  LogStream stream;          // labels normalized (service_name added), only valid entries
  std::string labels_text;   // stream.labels.ToString(), used in later messages
  int64_t bytes = 0;         // line + structured metadata bytes of the entries
};

struct ValidationOutcome {
  std::vector<ValidatedStream> streams;
  GroupedErrors errors;      // Loki's 400 text when non-empty
  int64_t lines = 0;         // accepted entries
  int64_t bytes = 0;         // accepted line + metadata bytes
};

// Bytes an entry counts for in rate limits and metrics: line plus metadata names and values.
int64_t EntrySize(const LogEntry& e);

// Immutable after construction; thread-safe. `metrics` must outlive the validator.
class Validator {
 public:
  Validator(const LimitsConfig& limits, PushMetrics* metrics);
  ValidationOutcome Validate(const std::string& tenant, std::vector<RawStream>&& raw, int64_t now_ns) const;

 private:
  // Empty string when the labels are valid; else the message (and *why = reason).
  std::string CheckLabels(const RawStream& s, const std::string& text, const char** why) const;
  std::string CheckEntry(const LogEntry& e, const std::string& text, int64_t now_ns, const char** why) const;
  void TruncateLines(const std::string& tenant, std::vector<LogEntry>* entries) const;
  void ValidateStream(const std::string& tenant, RawStream&& s, int64_t now_ns, ValidationOutcome* out) const;

  LimitsConfig limits_;
  PushMetrics* metrics_;
};

}  // namespace skald::ingest
