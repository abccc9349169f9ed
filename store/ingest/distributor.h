// Distributor: the push path in front of storage — decode, validate, tenant rate limit, active
// stream limit, per-stream rate limit, then PushSink — and the HTTP status + text Loki would answer.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "store/head/push_sink.h"
#include "store/ingest/active_streams.h"
#include "store/ingest/push_decoder.h"
#include "store/ingest/push_metrics.h"
#include "store/ingest/rate_limiter.h"
#include "store/ingest/validator.h"
#include "store/store_config.h"

namespace skald::ingest {

struct PushOutcome {
  int http_status = 204;   // 204, 400, 413, 422, 429, 500, 503 (storage cannot write: retry)
  std::string message;     // plain text body without the trailing newline ("" for 204)
};

// Thread-safe; `sink` and `metrics` must outlive it.
class Distributor {
 public:
  using Clock = std::function<int64_t()>;  // unix ns
  static int64_t RealClock();

  struct Options {
    int64_t stream_idle_ns = 30LL * 60 * 1000000000LL;  // ingester.chunk_idle_period
    size_t max_returned_stream_errors = 10;             // ingester.max_returned_stream_errors
    Clock clock = &Distributor::RealClock;
  };

  Distributor(const LimitsConfig& limits, PushSink* sink, PushMetrics* metrics);
  Distributor(const LimitsConfig& limits, PushSink* sink, PushMetrics* metrics, Options options);

  // A whole request body for an already resolved tenant.
  PushOutcome Push(const std::string& tenant, std::string_view body, const PushBodyInfo& info);
  // Already decoded streams (counts them as received).
  PushOutcome PushStreams(const std::string& tenant, std::vector<RawStream>&& streams);

  const LimitsConfig& limits() const { return limits_; }

 private:
  // Stream limit + per-stream rate: drops what the ingester would refuse; returns its 429 text.
  std::string ApplyIngesterLimits(const std::string& tenant, std::vector<ValidatedStream>* streams, int64_t now);
  // Per-stream rate: drops the entries over the stream's bucket; returns Loki's 429 text or "".
  std::string LimitStreamRate(const std::string& tenant, const std::string& key, ValidatedStream* vs, int64_t now);
  PushOutcome Store(const std::string& tenant, std::vector<ValidatedStream>&& streams);

  const LimitsConfig limits_;
  PushSink* sink_;
  PushMetrics* metrics_;
  Options options_;
  Validator validator_;
  RateLimiter tenant_rate_;
  RateLimiter stream_rate_;
  ActiveStreams active_;
};

}  // namespace skald::ingest
