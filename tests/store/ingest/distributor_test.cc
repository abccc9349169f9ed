// Distributor stages against an in-memory sink: 422, partial success, tenant and per-stream rate
// limits (injected clock), stream limit, sink rejections and failures, metrics.
#include <catch.hpp>

#include <mutex>

#include "store/ingest/distributor.h"
#include "store/ingest/validation_messages.h"
#include "tests/store/ingest/test_bodies.h"

using namespace skald;
using namespace skald::ingest;
using skald::testing::ProtoPushBody;

namespace {

constexpr int64_t kNow = 1700000000000000000;
constexpr int64_t kSec = 1000000000;

class FakeSink : public PushSink {
 public:
  Status Push(const std::string& tenant, std::vector<LogStream>&& streams) override {
    return PushDetailed(tenant, std::move(streams), nullptr);
  }
  Status PushDetailed(const std::string& tenant, std::vector<LogStream>&& streams, PushResult* r) override {
    std::lock_guard<std::mutex> l(mu);
    if (!fail.ok()) return fail;
    for (size_t i = 0; i < streams.size(); ++i) {
      auto& s = streams[i];
      for (size_t j = 0; j < s.entries.size(); ++j) {
        if (s.entries[j].line == "reject-me") {
          if (r) r->rejected.push_back({i, j, "too_far_behind", "entry too far behind"});
          continue;
        }
        got.push_back({tenant, s.labels.ToString(), s.entries[j].line});
      }
    }
    if (r && !r->rejected.empty()) return Status::Invalid("entry too far behind");
    return Status::Ok();
  }
  struct Row { std::string tenant, labels, line; };
  std::mutex mu;
  std::vector<Row> got;
  Status fail;
};

std::string JsonBody(const std::string& labels_json, const std::vector<std::pair<int64_t, std::string>>& values) {
  std::string v;
  for (const auto& [ts, line] : values) {
    if (!v.empty()) v += ',';
    v += "[\"";
    v += std::to_string(ts);
    v += "\",\"";
    v += line;
    v += "\"]";
  }
  return R"({"streams":[{"stream":)" + labels_json + R"(,"values":[)" + v + "]}]}";
}

PushBodyInfo JsonInfo() {
  PushBodyInfo i;
  i.content_type = "application/json";
  return i;
}

struct Rig {
  explicit Rig(LimitsConfig lim) : limits(std::move(lim)) {
    Distributor::Options o;
    o.clock = [this] { return now; };
    dist = std::make_unique<Distributor>(limits, &sink, &metrics, o);
  }
  LimitsConfig limits;
  FakeSink sink;
  PushMetrics metrics;
  int64_t now = kNow;
  std::unique_ptr<Distributor> dist;
};

LimitsConfig NoDiscovery() {
  LimitsConfig l;
  l.discover_service_name = false;
  return l;
}

}  // namespace

TEST_CASE("empty streams array is 422, empty entries 204") {
  Rig rig(NoDiscovery());
  auto r = rig.dist->Push("fake", R"({"streams":[]})", JsonInfo());
  CHECK(r.http_status == 422);
  CHECK(r.message == "error at least one valid stream is required for ingestion");
  auto e = rig.dist->Push("fake", R"({"streams":[{"stream":{"a":"b"},"values":[]}]})", JsonInfo());
  CHECK(e.http_status == 204);
  CHECK(rig.sink.got.empty());
}

TEST_CASE("partial success stores the valid entries and answers 400") {
  Rig rig(NoDiscovery());
  std::string body = ProtoPushBody({{"{job=\"ok\"}", {{kNow, "good1"}, {kNow - 30LL * 24 * 3600 * kSec, "old"}}},
                                    {"{}", {{kNow, "nolabels"}}},
                                    {"{job=\"ok2\"}", {{kNow, "good2"}}}});
  auto r = rig.dist->Push("fake", body, PushBodyInfo{});
  CHECK(r.http_status == 400);
  CHECK(r.message.find("has timestamp too old") != std::string::npos);
  CHECK(r.message.find("error at least one label pair is required per stream") != std::string::npos);
  REQUIRE(rig.sink.got.size() == 2);
  CHECK(rig.sink.got[0].line == "good1");
  CHECK(rig.sink.got[1].line == "good2");
  CHECK(rig.metrics.LinesReceived("fake") == 4);
  CHECK(rig.metrics.DiscardedSamples(reason::kGreaterThanMaxSampleAge, "fake") == 1);
  CHECK(rig.metrics.DiscardedSamples(reason::kMissingLabels, "fake") == 1);
}

TEST_CASE("tenant ingestion rate limit is 429 and refills with time") {
  LimitsConfig lim = NoDiscovery();
  lim.ingestion_rate_mb = 100.0 / (1024 * 1024);   // 100 B/s
  lim.ingestion_burst_size_mb = 150.0 / (1024 * 1024);
  Rig rig(lim);
  std::string line(100, 'x');
  std::string body = JsonBody(R"({"a":"b"})", {{kNow, line}});
  CHECK(rig.dist->Push("t", body, JsonInfo()).http_status == 204);
  auto r = rig.dist->Push("t", body, JsonInfo());
  CHECK(r.http_status == 429);
  CHECK(r.message == "Ingestion rate limit exceeded for user t (limit: 100 bytes/sec) while attempting to ingest '1' "
                     "lines totaling '100' bytes, reduce log volume or contact your Loki administrator to see if the "
                     "limit can be increased");
  CHECK(rig.metrics.DiscardedSamples(reason::kRateLimited, "t") == 1);
  CHECK(rig.metrics.DiscardedBytes(reason::kRateLimited, "t") == 100);
  CHECK(rig.dist->Push("other", body, JsonInfo()).http_status == 204);  // per tenant
  rig.now += kSec / 2;   // 50 + 50 left = 100 tokens
  CHECK(rig.dist->Push("t", body, JsonInfo()).http_status == 204);
  CHECK(rig.sink.got.size() == 3);
}

TEST_CASE("per-stream rate limit rejects that stream's excess entries with 429") {
  LimitsConfig lim = NoDiscovery();
  lim.per_stream_rate_limit = 10;
  lim.per_stream_rate_limit_burst = 20;
  Rig rig(lim);
  std::string body = ProtoPushBody({{"{s=\"hot\"}", {{kNow, "0123456789"}, {kNow + 1, "0123456789"}, {kNow + 2, "0123456789"}}},
                                    {"{s=\"cold\"}", {{kNow, "ok"}}}});
  auto r = rig.dist->Push("t", body, PushBodyInfo{});
  CHECK(r.http_status == 429);
  CHECK(r.message ==
        "entry with timestamp 2023-11-14 22:13:20.000000002 +0000 UTC ignored, reason: 'Per stream rate limit exceeded "
        "(limit: 10B/sec) while attempting to ingest for stream '{s=\"hot\"}' totaling 10B, consider splitting a "
        "stream via additional labels or contact your Loki administrator to see if the limit can be increased',\n"
        "user 't', total ignored: 1 out of 3 for stream: {s=\"hot\"}");
  CHECK(rig.sink.got.size() == 3);  // two hot entries and the cold one were stored
  CHECK(rig.metrics.DiscardedSamples(reason::kStreamRateLimit, "t") == 1);
  rig.now += kSec;
  std::string again = ProtoPushBody({{"{s=\"hot\"}", {{kNow + 3, "0123456789"}}}});
  CHECK(rig.dist->Push("t", again, PushBodyInfo{}).http_status == 204);
}

TEST_CASE("max_global_streams_per_user rejects new streams only") {
  LimitsConfig lim = NoDiscovery();
  lim.max_global_streams_per_user = 2;
  Rig rig(lim);
  auto push = [&](const std::string& v) {
    return rig.dist->Push("t", JsonBody(R"({"s":")" + v + R"("})", {{kNow, "l-" + v}}), JsonInfo());
  };
  CHECK(push("1").http_status == 204);
  CHECK(push("2").http_status == 204);
  auto r = push("3");
  CHECK(r.http_status == 429);
  CHECK(r.message == "Maximum active stream limit exceeded when trying to create stream {s=\"3\"}, reduce the number "
                     "of active streams (reduce labels or reduce label values), or contact your Loki administrator to "
                     "see if the limit can be increased, user: 't'");
  CHECK(push("1").http_status == 204);
  CHECK(rig.metrics.DiscardedSamples(reason::kStreamLimit, "t") == 1);
  CHECK(rig.sink.got.size() == 3);
}

TEST_CASE("sink rejections are 400 and counted - a sink that cannot write is a retryable 503") {
  Rig rig(NoDiscovery());
  std::string body = JsonBody(R"({"a":"b"})", {{kNow, "keep"}, {kNow + 1, "reject-me"}});
  auto r = rig.dist->Push("t", body, JsonInfo());
  CHECK(r.http_status == 400);
  CHECK(r.message == "entry too far behind");
  CHECK(rig.sink.got.size() == 1);
  CHECK(rig.metrics.DiscardedSamples("too_far_behind", "t") == 1);
  CHECK(rig.metrics.DiscardedBytes("too_far_behind", "t") == 9);
  rig.sink.fail = Status::IOError("disk full");
  auto f = rig.dist->Push("t", JsonBody(R"({"a":"b"})", {{kNow, "x"}}), JsonInfo());
  CHECK(f.http_status == 503);
  CHECK(f.message == "disk full");
  rig.sink.fail = Status::Unavailable("the store is not accepting writes, retry later");
  CHECK(rig.dist->Push("t", JsonBody(R"({"a":"b"})", {{kNow, "y"}}), JsonInfo()).http_status == 503);
  rig.sink.fail = Status::Internal("bug");
  CHECK(rig.dist->Push("t", JsonBody(R"({"a":"b"})", {{kNow, "z"}}), JsonInfo()).http_status == 500);
}

TEST_CASE("service_name is added before storing") {
  Rig rig(LimitsConfig{});
  CHECK(rig.dist->Push("t", JsonBody(R"({"app":"web"})", {{kNow, "x"}}), JsonInfo()).http_status == 204);
  REQUIRE(rig.sink.got.size() == 1);
  CHECK(rig.sink.got[0].labels == "{app=\"web\", service_name=\"web\"}");
}

TEST_CASE("metrics text has Loki's names") {
  Rig rig(NoDiscovery());
  rig.dist->Push("t", JsonBody(R"({"a":"b"})", {{kNow, "abc"}, {1, "old"}}), JsonInfo());
  std::string text;
  rig.metrics.AppendPrometheus(&text);
  CHECK(text.find("loki_distributor_lines_received_total{tenant=\"t\"} 2\n") != std::string::npos);
  CHECK(text.find("loki_distributor_bytes_received_total{tenant=\"t\"} 6\n") != std::string::npos);
  CHECK(text.find("loki_discarded_samples_total{reason=\"greater_than_max_sample_age\",tenant=\"t\"} 1\n") != std::string::npos);
  CHECK(text.find("loki_discarded_bytes_total{reason=\"greater_than_max_sample_age\",tenant=\"t\"} 3\n") != std::string::npos);
}
