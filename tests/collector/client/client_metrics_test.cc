// ClientMetrics exposes Promtail 2.9's client series: names, label names and the encoded-bytes
// accounting the Promtail dashboard and the Skald alerts read.
#include <catch.hpp>

#include "collector/client/client_metrics.h"

using skald::client::ClientMetrics;

TEST_CASE("client metrics carry Promtail's names and labels", "[client][metrics]") {
  skald::metrics::Registry reg;
  ClientMetrics m("store:3100", &reg);
  m.Encoded(120);
  m.Sent(3, 120);
  m.Dropped("team-a", "rate_limited", 2, 80);
  m.Retry("team-a");
  m.Retry("");
  m.Request(204, 0.01);
  m.Request(0, 5.0);  // no answer
  const std::string text = reg.Expose();
  struct Case { const char* series; };
  for (const Case& c : std::vector<Case>{
           {"promtail_encoded_bytes_total{host=\"store:3100\"} 120"},
           {"promtail_sent_bytes_total{host=\"store:3100\"} 120"},
           {"promtail_sent_entries_total{host=\"store:3100\"} 3"},
           {"promtail_dropped_entries_total{host=\"store:3100\",tenant=\"team-a\",reason=\"rate_limited\"} 2"},
           {"promtail_dropped_bytes_total{host=\"store:3100\",tenant=\"team-a\",reason=\"rate_limited\"} 80"},
           {"promtail_batch_retries_total{host=\"store:3100\",tenant=\"team-a\"} 1"},
           {"promtail_request_duration_seconds_count{status_code=\"204\",host=\"store:3100\"} 1"},
           {"promtail_request_duration_seconds_count{status_code=\"-1\",host=\"store:3100\"} 1"}}) {
    INFO(text);
    CHECK(text.find(c.series) != std::string::npos);
  }
  CHECK(m.requests(0) == 1);
  CHECK(m.retries() == 2);
  CHECK(m.dropped_entries("rate_limited") == 2);
  CHECK(m.dropped_entries("ingester_error") == 0);
}
