// Push-path counters with Loki's names, in a metrics::Registry: lines/bytes received per tenant,
// discarded samples/bytes per reason and tenant, mutated (truncated) lines.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/metrics.h"

namespace skald::ingest {

// Thread-safe. GlobalPushMetrics() registers in metrics::Registry::Default() (served on /metrics);
// a default-constructed PushMetrics owns a private registry (tests).
class PushMetrics {
 public:
  PushMetrics();
  explicit PushMetrics(metrics::Registry* registry);

  // bytes include metadata_bytes (the entries' structured metadata), as Loki counts them.
  void Received(std::string_view tenant, int64_t lines, int64_t bytes, int64_t metadata_bytes = 0);
  void Discarded(std::string_view reason, std::string_view tenant, int64_t samples, int64_t bytes);
  void Mutated(std::string_view reason, std::string_view tenant, int64_t samples, int64_t bytes);

  int64_t DiscardedSamples(std::string_view reason, std::string_view tenant) const;
  int64_t DiscardedBytes(std::string_view reason, std::string_view tenant) const;
  int64_t LinesReceived(std::string_view tenant) const;
  int64_t BytesReceived(std::string_view tenant) const;

  // Prometheus text of the registry these counters live in.
  void AppendPrometheus(std::string* out) const;

 private:
  explicit PushMetrics(std::unique_ptr<metrics::Registry> owned);
  PushMetrics(std::unique_ptr<metrics::Registry> owned, metrics::Registry* registry);

  std::unique_ptr<metrics::Registry> owned_;
  metrics::Registry* reg_;
  metrics::CounterVec* lines_;
  metrics::CounterVec* bytes_;
  metrics::CounterVec* metadata_bytes_;
  metrics::CounterVec* discarded_samples_;
  metrics::CounterVec* discarded_bytes_;
  metrics::CounterVec* mutated_samples_;
  metrics::CounterVec* mutated_bytes_;
};

PushMetrics& GlobalPushMetrics();
// Appends the default registry's exposition (which includes the push counters).
void AppendPushMetrics(std::string* out);

}  // namespace skald::ingest
