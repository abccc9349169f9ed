// Validator: per-stream label checks, then per-entry checks, in Loki's order and with its texts.
#include "store/ingest/validator.h"

#include "store/ingest/validation_messages.h"

namespace skald::ingest {

const std::vector<std::string>& DefaultServiceNameLabels() {
  static const std::vector<std::string> kLabels = {
      "service", "app", "application", "app_name", "name", "app_kubernetes_io_name", "container",
      "container_name", "k8s_container_name", "component", "workload", "job", "k8s_job_name"};
  return kLabels;
}

bool DiscoverServiceName(LabelSet* labels, const std::vector<std::string>& from) {
  if (from.empty() || labels->Has("service_name")) return false;
  std::string value = "unknown_service";
  for (const auto& name : from) {
    if (auto v = labels->Get(name); v && !v->empty()) {
      value = std::string(*v);
      break;
    }
  }
  labels->Set("service_name", value);
  return true;
}

int64_t EntrySize(const LogEntry& e) {
  int64_t n = static_cast<int64_t>(e.line.size());
  for (const auto& m : e.metadata) n += static_cast<int64_t>(m.name.size() + m.value.size());
  return n;
}

Validator::Validator(const LimitsConfig& limits, PushMetrics* metrics) : limits_(limits), metrics_(metrics) {}

std::string Validator::CheckLabels(const RawStream& s, const std::string& text, const char** why) const {
  if (!s.duplicate_label.empty()) {
    *why = reason::kDuplicateLabelNames;
    return DuplicateLabelMsg(text, s.duplicate_label);
  }
  // service_name is added by the store itself, so it does not count against the limit.
  int64_t n = static_cast<int64_t>(s.labels.size()) - (s.labels.Has("service_name") ? 1 : 0);
  if (n > limits_.max_label_names_per_series) {
    *why = reason::kMaxLabelNamesPerSeries;
    return TooManyLabelsMsg(text, n, limits_.max_label_names_per_series);
  }
  for (const auto& l : s.labels) {
    if (static_cast<int64_t>(l.name.size()) > limits_.max_label_name_length) {
      *why = reason::kLabelNameTooLong;
      return LabelNameTooLongMsg(text, l.name);
    }
    if (static_cast<int64_t>(l.value.size()) > limits_.max_label_value_length) {
      *why = reason::kLabelValueTooLong;
      return LabelValueTooLongMsg(text, l.value);
    }
  }
  return "";
}

std::string Validator::CheckEntry(const LogEntry& e, const std::string& text, int64_t now, const char** why) const {
  if (limits_.reject_old_samples && e.ts_ns < now - limits_.reject_old_samples_max_age_ns) {
    *why = reason::kGreaterThanMaxSampleAge;
    return TooOldMsg(text, e.ts_ns, now - limits_.reject_old_samples_max_age_ns);
  }
  if (e.ts_ns > now + limits_.creation_grace_period_ns) {
    *why = reason::kTooFarInFuture;
    return TooNewMsg(text, e.ts_ns);
  }
  int64_t len = static_cast<int64_t>(e.line.size());
  if (limits_.max_line_size != 0 && len > limits_.max_line_size) {
    *why = reason::kLineTooLong;
    return LineTooLongMsg(limits_.max_line_size, text, len);
  }
  if (e.metadata.empty()) return "";
  if (!limits_.allow_structured_metadata) {
    *why = reason::kDisallowedStructuredMetadata;
    return DisallowedMetadataMsg(text);
  }
  int64_t md = EntrySize(e) - len, count = static_cast<int64_t>(e.metadata.size());
  if (limits_.max_structured_metadata_size != 0 && md > limits_.max_structured_metadata_size) {
    *why = reason::kStructuredMetadataTooLarge;
    return MetadataTooLargeMsg(text, md, limits_.max_structured_metadata_size);
  }
  if (limits_.max_structured_metadata_entries_count != 0 && count > limits_.max_structured_metadata_entries_count) {
    *why = reason::kStructuredMetadataTooMany;
    return MetadataTooManyMsg(text, count, limits_.max_structured_metadata_entries_count);
  }
  return "";
}

void Validator::TruncateLines(const std::string& tenant, std::vector<LogEntry>* entries) const {
  if (!limits_.max_line_size_truncate || limits_.max_line_size <= 0) return;
  int64_t n = 0, bytes = 0;
  for (auto& e : *entries) {
    if (static_cast<int64_t>(e.line.size()) <= limits_.max_line_size) continue;
    bytes += static_cast<int64_t>(e.line.size()) - limits_.max_line_size;
    e.line.resize(static_cast<size_t>(limits_.max_line_size));
    ++n;
  }
  metrics_->Mutated(reason::kLineTooLong, tenant, n, bytes);
}

void Validator::ValidateStream(const std::string& tenant, RawStream&& s, int64_t now, ValidationOutcome* out) const {
  if (s.entries.empty()) return;
  TruncateLines(tenant, &s.entries);
  auto discard_all = [&](const char* why, std::string msg) {
    int64_t bytes = 0;
    for (const auto& e : s.entries) bytes += EntrySize(e);
    metrics_->Discarded(why, tenant, static_cast<int64_t>(s.entries.size()), bytes);
    out->errors.Add(std::move(msg));
  };
  if (s.duplicate_label.empty() && s.labels.empty()) return discard_all(reason::kMissingLabels, kMissingLabelsMsg);
  if (limits_.discover_service_name && s.duplicate_label.empty() &&
      DiscoverServiceName(&s.labels, DefaultServiceNameLabels()))
    s.labels_text = s.labels.ToString();
  const char* why = nullptr;
  if (std::string msg = CheckLabels(s, s.labels_text, &why); !msg.empty()) return discard_all(why, std::move(msg));

  ValidatedStream vs;
  vs.labels_text = s.labels.ToString();
  size_t n = 0;
  for (auto& e : s.entries) {
    int64_t size = EntrySize(e);
    if (std::string msg = CheckEntry(e, vs.labels_text, now, &why); !msg.empty()) {
      metrics_->Discarded(why, tenant, 1, size);
      out->errors.Add(std::move(msg));
      continue;
    }
    vs.bytes += size;
    if (&s.entries[n] != &e) s.entries[n] = std::move(e);
    ++n;
  }
  if (n == 0) return;
  s.entries.resize(n);
  out->lines += static_cast<int64_t>(n);
  out->bytes += vs.bytes;
  vs.stream.labels = std::move(s.labels);
  vs.stream.entries = std::move(s.entries);
  out->streams.push_back(std::move(vs));
}

ValidationOutcome Validator::Validate(const std::string& tenant, std::vector<RawStream>&& raw, int64_t now) const {
  ValidationOutcome out;
  out.streams.reserve(raw.size());
  for (auto& s : raw) ValidateStream(tenant, std::move(s), now, &out);
  return out;
}

}  // namespace skald::ingest
