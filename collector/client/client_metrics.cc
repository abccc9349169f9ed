// Registration and updates of the client's Promtail-named metrics (labels as Promtail 2.9's client).
#include "collector/client/client_metrics.h"

namespace skald::client {
namespace {

// Sums a vector's children whose `host` label is `host` and whose `reason` (if given) matches.
uint64_t SumFor(const metrics::CounterVec& v, const std::string& host, const std::string* reason) {
  const auto& names = v.LabelNames();
  double sum = 0;
  v.ForEach([&](const std::vector<std::string>& values, const metrics::Counter& c) {
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == "host" && values[i] != host) return;
      if (reason != nullptr && names[i] == "reason" && values[i] != *reason) return;
    }
    sum += c.Value();
  });
  return static_cast<uint64_t>(sum);
}

// Promtail labels a request that got no HTTP answer (refused, timed out, TLS failure) "-1".
std::string StatusLabel(int status_code) { return status_code > 0 ? std::to_string(status_code) : "-1"; }

}  // namespace

ClientMetrics::ClientMetrics(std::string host, metrics::Registry* r) : host_(std::move(host)) {
  if (r == nullptr) r = &metrics::Registry::Default();
  encoded_bytes_ = &r->NewCounterVec("promtail_encoded_bytes_total", "Number of bytes encoded and ready to send.",
                                     {"host"}).WithLabelValues({host_});
  sent_entries_ = &r->NewCounterVec("promtail_sent_entries_total", "Number of log entries sent to the ingester.", {"host"})
                       .WithLabelValues({host_});
  sent_bytes_ = &r->NewCounterVec("promtail_sent_bytes_total", "Number of bytes sent.", {"host"}).WithLabelValues({host_});
  retries_ = &r->NewCounterVec("promtail_batch_retries_total", "Number of times batches has had to be retried.",
                               {"host", "tenant"});
  held_entries_ = &r->NewCounterVec("skald_collector_held_entries_total",
                                    "Entries of batches still undelivered after backoff_config.max_retries, kept and "
                                    "retried instead of dropped.", {"host"})
                       .WithLabelValues({host_});
  dropped_entries_ = &r->NewCounterVec("promtail_dropped_entries_total",
                                       "Number of log entries dropped because failed to be sent to the ingester after all retries.",
                                       {"host", "tenant", "reason"});
  dropped_bytes_ = &r->NewCounterVec("promtail_dropped_bytes_total",
                                     "Number of bytes dropped because failed to be sent to the ingester after all retries.",
                                     {"host", "tenant", "reason"});
  durations_ = &r->NewHistogramVec("promtail_request_duration_seconds", "Duration of send requests.", {"status_code", "host"});
}

void ClientMetrics::Sent(uint64_t entries, uint64_t bytes) {
  sent_entries_->Inc(static_cast<double>(entries));
  sent_bytes_->Inc(static_cast<double>(bytes));
}

void ClientMetrics::Dropped(const std::string& tenant, const std::string& reason, uint64_t entries, uint64_t bytes) {
  dropped_entries_->WithLabelValues({host_, tenant, reason}).Inc(static_cast<double>(entries));
  dropped_bytes_->WithLabelValues({host_, tenant, reason}).Inc(static_cast<double>(bytes));
}

void ClientMetrics::Request(int status_code, double seconds) {
  durations_->WithLabelValues({StatusLabel(status_code), host_}).Observe(seconds);
}

uint64_t ClientMetrics::dropped_entries(const std::string& reason) const {
  return SumFor(*dropped_entries_, host_, &reason);
}

uint64_t ClientMetrics::retries() const { return SumFor(*retries_, host_, nullptr); }

uint64_t ClientMetrics::requests(int status_code) const {
  return durations_->WithLabelValues({StatusLabel(status_code), host_}).Count();
}

}  // namespace skald::client
