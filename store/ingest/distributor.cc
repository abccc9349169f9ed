// Distributor: the ordered stages of a push and how their outcomes map to one HTTP answer.
#include "store/ingest/distributor.h"

#include <chrono>
#include <cstring>

#include "store/ingest/validation_messages.h"

namespace skald::ingest {

namespace {

constexpr double kMiB = 1024.0 * 1024.0;

int64_t EffectiveStreamLimit(const LimitsConfig& l) {
  int64_t a = l.max_streams_per_user, b = l.max_global_streams_per_user;
  if (a <= 0) return b > 0 ? b : 0;
  return b > 0 ? std::min(a, b) : a;
}

std::string StreamKey(const std::string& tenant, uint64_t fp) {
  std::string k = tenant;
  k.push_back('\0');
  k.append(reinterpret_cast<const char*>(&fp), sizeof(fp));
  return k;
}

int StatusFor(const Status& s) {
  switch (s.code()) {
    case Code::kInvalidArgument: return 400;
    case Code::kTooLarge: return 413;
    case Code::kRateLimited: return 429;
    // Storage that cannot write right now (WAL failed, disk full): retryable, as Loki's clients
    // retry 5xx; the store takes pushes again on its own once writes work.
    case Code::kUnavailable:
    case Code::kIOError: return 503;
    default: return 500;
  }
}

}  // namespace

int64_t Distributor::RealClock() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

Distributor::Distributor(const LimitsConfig& limits, PushSink* sink, PushMetrics* metrics)
    : Distributor(limits, sink, metrics, Options()) {}

Distributor::Distributor(const LimitsConfig& limits, PushSink* sink, PushMetrics* metrics, Options options)
    : limits_(limits),
      sink_(sink),
      metrics_(metrics),
      options_(std::move(options)),
      validator_(limits, metrics),
      tenant_rate_(limits.ingestion_rate_mb * kMiB, limits.ingestion_burst_size_mb * kMiB),
      stream_rate_(static_cast<double>(limits.per_stream_rate_limit),
                   static_cast<double>(limits.per_stream_rate_limit_burst)),
      active_(EffectiveStreamLimit(limits), options_.stream_idle_ns) {}

PushOutcome Distributor::Push(const std::string& tenant, std::string_view body, const PushBodyInfo& info) {
  auto streams = DecodePushBody(body, info);
  if (!streams.ok()) return {StatusFor(streams.status()), streams.status().message()};
  return PushStreams(tenant, std::move(*streams));
}

PushOutcome Distributor::PushStreams(const std::string& tenant, std::vector<RawStream>&& streams) {
  if (streams.empty()) return {422, kMissingStreamsMsg};
  int64_t lines = 0, bytes = 0, metadata = 0;
  for (const auto& s : streams) {
    lines += static_cast<int64_t>(s.entries.size());
    for (const auto& e : s.entries) {
      int64_t size = EntrySize(e);
      bytes += size;
      metadata += size - static_cast<int64_t>(e.line.size());
    }
  }
  metrics_->Received(tenant, lines, bytes, metadata);

  int64_t now = options_.clock();
  ValidationOutcome v = validator_.Validate(tenant, std::move(streams), now);
  std::string validation_err = v.errors.ToString();
  if (v.streams.empty()) return validation_err.empty() ? PushOutcome{} : PushOutcome{400, validation_err};

  if (!tenant_rate_.AllowN(tenant, now, v.bytes)) {
    metrics_->Discarded(reason::kRateLimited, tenant, v.lines, v.bytes);
    return {429, RateLimitedMsg(tenant, static_cast<int64_t>(tenant_rate_.limit()), v.lines, v.bytes)};
  }
  std::string ingester_err = ApplyIngesterLimits(tenant, &v.streams, now);
  PushOutcome stored = Store(tenant, std::move(v.streams));
  if (stored.http_status >= 500) return stored;
  if (!ingester_err.empty()) return {429, ingester_err};
  if (stored.http_status != 204) return stored;
  if (!validation_err.empty()) return {400, validation_err};
  return {};
}

std::string Distributor::ApplyIngesterLimits(const std::string& tenant, std::vector<ValidatedStream>* streams,
                                             int64_t now) {
  std::string last_err;
  size_t kept = 0;
  for (auto& vs : *streams) {
    uint64_t fp = vs.stream.labels.Fingerprint();
    if (!active_.Admit(tenant, fp, now)) {
      metrics_->Discarded(reason::kStreamLimit, tenant, static_cast<int64_t>(vs.stream.entries.size()), vs.bytes);
      last_err = StreamLimitMsg(vs.labels_text, tenant);
      continue;
    }
    if (std::string err = LimitStreamRate(tenant, StreamKey(tenant, fp), &vs, now); !err.empty()) last_err = err;
    if (vs.stream.entries.empty()) continue;
    if (&(*streams)[kept] != &vs) (*streams)[kept] = std::move(vs);
    ++kept;
  }
  streams->resize(kept);
  return last_err;
}

std::string Distributor::LimitStreamRate(const std::string& tenant, const std::string& key, ValidatedStream* vs,
                                         int64_t now) {
  if (stream_rate_.AllowN(key, now, vs->bytes)) return "";  // common case: the whole stream fits at once
  std::vector<std::pair<int64_t, std::string>> failed;
  auto& entries = vs->stream.entries;
  size_t n = 0, total = entries.size();
  for (auto& e : entries) {
    int64_t size = EntrySize(e);
    if (!stream_rate_.AllowN(key, now, size)) {
      failed.emplace_back(e.ts_ns, StreamRateLimitMsg(limits_.per_stream_rate_limit, vs->labels_text, size));
      metrics_->Discarded(reason::kStreamRateLimit, tenant, 1, size);
      vs->bytes -= size;
      continue;
    }
    if (&entries[n] != &e) entries[n] = std::move(e);
    ++n;
  }
  entries.resize(n);
  if (failed.empty()) return "";
  return IgnoredEntriesMsg(failed, options_.max_returned_stream_errors, tenant, total, vs->labels_text);
}

PushOutcome Distributor::Store(const std::string& tenant, std::vector<ValidatedStream>&& streams) {
  if (streams.empty()) return {};
  std::vector<LogStream> out;
  out.reserve(streams.size());
  // Entry sizes, kept to account the bytes of entries the sink rejects.
  std::vector<std::vector<int64_t>> sizes(streams.size());
  for (size_t i = 0; i < streams.size(); ++i) {
    for (const auto& e : streams[i].stream.entries) sizes[i].push_back(EntrySize(e));
    out.push_back(std::move(streams[i].stream));
  }
  PushResult result;
  Status st = sink_->PushDetailed(tenant, std::move(out), &result);
  for (const auto& r : result.rejected) {
    int64_t b = r.stream_index < sizes.size() && r.entry_index < sizes[r.stream_index].size()
                    ? sizes[r.stream_index][r.entry_index] : 0;
    metrics_->Discarded(r.reason, tenant, 1, b);
  }
  if (st.ok()) return {};
  return {StatusFor(st), st.message()};
}

}  // namespace skald::ingest
