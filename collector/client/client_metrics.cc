// Registration and updates of the client's Promtail-named metrics.
#include "collector/client/client_metrics.h"

namespace skald::client {

ClientMetrics::ClientMetrics(std::string host, metrics::Registry* r) : host_(std::move(host)) {
  if (r == nullptr) r = &metrics::Registry::Default();
  sent_entries_ = &r->NewCounterVec("promtail_sent_entries_total", "Number of log entries sent to the ingester.", {"host"})
                       .WithLabelValues({host_});
  sent_bytes_ = &r->NewCounterVec("promtail_sent_bytes_total", "Number of bytes sent.", {"host"}).WithLabelValues({host_});
  retries_ = &r->NewCounterVec("promtail_batch_retries_total", "Number of times batches has had to be retried.", {"host"})
                  .WithLabelValues({host_});
  held_entries_ = &r->NewCounterVec("skald_collector_held_entries_total",
                                    "Entries of batches still undelivered after backoff_config.max_retries, kept and "
                                    "retried instead of dropped.", {"host"})
                       .WithLabelValues({host_});
  dropped_entries_ = &r->NewCounterVec("promtail_dropped_entries_total",
                                       "Number of log entries dropped because failed to be sent to the ingester after all retries.",
                                       {"host", "reason"});
  dropped_bytes_ = &r->NewCounterVec("promtail_dropped_bytes_total",
                                     "Number of bytes dropped because failed to be sent to the ingester after all retries.",
                                     {"host", "reason"});
  durations_ = &r->NewHistogramVec("promtail_request_duration_seconds", "Duration of send requests.", {"status_code", "host"});
}

void ClientMetrics::Sent(uint64_t entries, uint64_t bytes) {
  sent_entries_->Inc(static_cast<double>(entries));
  sent_bytes_->Inc(static_cast<double>(bytes));
}

void ClientMetrics::Dropped(const std::string& reason, uint64_t entries, uint64_t bytes) {
  dropped_entries_->WithLabelValues({host_, reason}).Inc(static_cast<double>(entries));
  dropped_bytes_->WithLabelValues({host_, reason}).Inc(static_cast<double>(bytes));
}

void ClientMetrics::Request(int status_code, double seconds) {
  durations_->WithLabelValues({std::to_string(status_code), host_}).Observe(seconds);
}

uint64_t ClientMetrics::dropped_entries(const std::string& reason) const {
  return static_cast<uint64_t>(dropped_entries_->WithLabelValues({host_, reason}).Value());
}

uint64_t ClientMetrics::requests(int status_code) const {
  return durations_->WithLabelValues({std::to_string(status_code), host_}).Count();
}

}  // namespace skald::client
