// One push client's metrics under Promtail's names and labels, in the shared metrics registry:
// promtail_{encoded,sent}_bytes_total, _sent_entries_total, _dropped_{entries,bytes}_total,
// promtail_request_duration_seconds, promtail_batch_retries_total; plus
// skald_collector_held_entries_total (entries of batches kept past max_retries, where Promtail drops).
#pragma once

#include <cstdint>
#include <string>

#include "common/metrics.h"

namespace skald::client {

// Thread-safe (registry atomics). Children are cached per client; `host` is the URL's host:port.
// As Promtail, byte counters count the encoded (snappy-compressed) request body of a batch.
class ClientMetrics {
 public:
  ClientMetrics(std::string host, metrics::Registry* registry);

  void Encoded(uint64_t bytes) { encoded_bytes_->Inc(static_cast<double>(bytes)); }
  void Sent(uint64_t entries, uint64_t bytes);
  void Dropped(const std::string& tenant, const std::string& reason, uint64_t entries, uint64_t bytes);
  // status_code 0 = no HTTP answer, labelled "-1" as Promtail does.
  void Request(int status_code, double seconds);
  void Retry(const std::string& tenant) { retries_->WithLabelValues({host_, tenant}).Inc(); }
  void Held(uint64_t entries) { held_entries_->Inc(static_cast<double>(entries)); }

  uint64_t sent_entries() const { return static_cast<uint64_t>(sent_entries_->Value()); }
  uint64_t sent_bytes() const { return static_cast<uint64_t>(sent_bytes_->Value()); }
  uint64_t encoded_bytes() const { return static_cast<uint64_t>(encoded_bytes_->Value()); }
  // Summed over tenants.
  uint64_t dropped_entries(const std::string& reason) const;
  uint64_t requests(int status_code) const;
  uint64_t retries() const;
  uint64_t held_entries() const { return static_cast<uint64_t>(held_entries_->Value()); }
  const std::string& host() const { return host_; }

 private:
  std::string host_;
  metrics::Counter *sent_entries_, *sent_bytes_, *encoded_bytes_, *held_entries_;
  metrics::CounterVec *dropped_entries_, *dropped_bytes_, *retries_;
  metrics::HistogramVec* durations_;
};

}  // namespace skald::client
