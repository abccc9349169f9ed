// One push client's metrics under Promtail's names, registered in the shared metrics registry:
// promtail_sent_entries_total, _sent_bytes_total, _dropped_entries_total, _dropped_bytes_total,
// promtail_request_duration_seconds, promtail_batch_retries_total; plus
// skald_collector_held_entries_total (entries of batches kept past max_retries, where Promtail drops).
#pragma once

#include <cstdint>
#include <string>

#include "common/metrics.h"

namespace skald::client {

// Thread-safe (registry atomics). Children are cached per client; `host` is the URL's host:port.
class ClientMetrics {
 public:
  ClientMetrics(std::string host, metrics::Registry* registry);

  void Sent(uint64_t entries, uint64_t bytes);
  void Dropped(const std::string& reason, uint64_t entries, uint64_t bytes);
  void Request(int status_code, double seconds);
  void Retry() { retries_->Inc(); }
  void Held(uint64_t entries) { held_entries_->Inc(static_cast<double>(entries)); }

  uint64_t sent_entries() const { return static_cast<uint64_t>(sent_entries_->Value()); }
  uint64_t sent_bytes() const { return static_cast<uint64_t>(sent_bytes_->Value()); }
  uint64_t dropped_entries(const std::string& reason) const;
  uint64_t requests(int status_code) const;
  uint64_t retries() const { return static_cast<uint64_t>(retries_->Value()); }
  uint64_t held_entries() const { return static_cast<uint64_t>(held_entries_->Value()); }
  const std::string& host() const { return host_; }

 private:
  std::string host_;
  metrics::Counter *sent_entries_, *sent_bytes_, *retries_, *held_entries_;
  metrics::CounterVec *dropped_entries_, *dropped_bytes_;
  metrics::HistogramVec* durations_;
};

}  // namespace skald::client
