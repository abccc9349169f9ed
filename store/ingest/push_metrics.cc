// PushMetrics: the Loki-named counter families and their label conventions.
#include "store/ingest/push_metrics.h"

namespace skald::ingest {

namespace {
std::string S(std::string_view v) { return std::string(v); }
}  // namespace

PushMetrics::PushMetrics() : PushMetrics(std::make_unique<metrics::Registry>()) {}

PushMetrics::PushMetrics(metrics::Registry* registry) : PushMetrics(nullptr, registry) {}

PushMetrics::PushMetrics(std::unique_ptr<metrics::Registry> owned) : PushMetrics(std::move(owned), nullptr) {}

PushMetrics::PushMetrics(std::unique_ptr<metrics::Registry> owned, metrics::Registry* registry)
    : owned_(std::move(owned)), reg_(owned_ ? owned_.get() : registry) {
  metrics::Registry* r = reg_;
  lines_ = &r->NewCounterVec("loki_distributor_lines_received_total", "The total number of lines received per tenant",
                             {"tenant"});
  bytes_ = &r->NewCounterVec("loki_distributor_bytes_received_total",
                             "The total number of uncompressed bytes received per tenant. Includes structured "
                             "metadata bytes.",
                             {"tenant"});
  metadata_bytes_ = &r->NewCounterVec("loki_distributor_structured_metadata_bytes_received_total",
                                      "The total number of uncompressed bytes received per tenant for entries' "
                                      "structured metadata",
                                      {"tenant"});
  discarded_samples_ = &r->NewCounterVec("loki_discarded_samples_total",
                                         "The total number of samples that were discarded.", {"reason", "tenant"});
  discarded_bytes_ = &r->NewCounterVec("loki_discarded_bytes_total", "The total number of bytes that were discarded.",
                                       {"reason", "tenant"});
  // Loki names the tenant label of mutated samples `truncated`; kept for dashboard compatibility.
  mutated_samples_ = &r->NewCounterVec("loki_mutated_samples_total",
                                       "The total number of samples that have been mutated.", {"reason", "truncated"});
  mutated_bytes_ = &r->NewCounterVec("loki_mutated_bytes_total", "The total number of bytes that have been mutated.",
                                     {"reason", "truncated"});
}

void PushMetrics::Received(std::string_view tenant, int64_t lines, int64_t bytes, int64_t metadata_bytes) {
  lines_->WithLabelValues({S(tenant)}).Inc(static_cast<double>(lines));
  bytes_->WithLabelValues({S(tenant)}).Inc(static_cast<double>(bytes));
  metadata_bytes_->WithLabelValues({S(tenant)}).Inc(static_cast<double>(metadata_bytes));
}

void PushMetrics::Discarded(std::string_view reason, std::string_view tenant, int64_t samples, int64_t bytes) {
  if (samples == 0 && bytes == 0) return;
  discarded_samples_->WithLabelValues({S(reason), S(tenant)}).Inc(static_cast<double>(samples));
  discarded_bytes_->WithLabelValues({S(reason), S(tenant)}).Inc(static_cast<double>(bytes));
}

void PushMetrics::Mutated(std::string_view reason, std::string_view tenant, int64_t samples, int64_t bytes) {
  if (samples == 0) return;
  mutated_samples_->WithLabelValues({S(reason), S(tenant)}).Inc(static_cast<double>(samples));
  mutated_bytes_->WithLabelValues({S(reason), S(tenant)}).Inc(static_cast<double>(bytes));
}

int64_t PushMetrics::DiscardedSamples(std::string_view reason, std::string_view tenant) const {
  return static_cast<int64_t>(discarded_samples_->WithLabelValues({S(reason), S(tenant)}).Value());
}
int64_t PushMetrics::DiscardedBytes(std::string_view reason, std::string_view tenant) const {
  return static_cast<int64_t>(discarded_bytes_->WithLabelValues({S(reason), S(tenant)}).Value());
}
int64_t PushMetrics::LinesReceived(std::string_view tenant) const {
  return static_cast<int64_t>(lines_->WithLabelValues({S(tenant)}).Value());
}
int64_t PushMetrics::BytesReceived(std::string_view tenant) const {
  return static_cast<int64_t>(bytes_->WithLabelValues({S(tenant)}).Value());
}

void PushMetrics::AppendPrometheus(std::string* out) const { *out += reg_->Expose(); }

PushMetrics& GlobalPushMetrics() {
  static PushMetrics* m = new PushMetrics(&metrics::Registry::Default());
  return *m;
}

void AppendPushMetrics(std::string* out) {
  GlobalPushMetrics();
  *out += metrics::Registry::Default().Expose();
}

}  // namespace skald::ingest
