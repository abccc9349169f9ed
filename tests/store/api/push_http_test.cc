// The push endpoints over real HTTP: an httplib server on port 0 with an in-memory sink, and real
// requests covering 204, 400 partial success, 401, 413, 422, 429, gzip and legacy JSON.
#include <catch.hpp>

#include <httplib.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "store/api/push_handler.h"
#include "tests/store/api/push_test_server.h"
#include "tests/store/ingest/test_bodies.h"

using namespace skald;
using skald::testing::Gzip;
using skald::testing::ProtoPushBody;
using skald::testing::PushTestServer;

namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string CurlJson(const std::string& line) {
  return R"({"streams":[{"stream":{"job":"curl","host":"h1"},"values":[[")" + std::to_string(NowNs()) + R"(",")" +
         line + R"("]]}]})";
}

}  // namespace

TEST_CASE("seed-style curl JSON and protobuf+snappy answer 204 and reach the sink", "[push]") {
  PushTestServer srv(LimitsConfig{}, false);
  httplib::Client cli("127.0.0.1", srv.port());
  auto r = cli.Post("/loki/api/v1/push", CurlJson("hello from curl"), "application/json");
  REQUIRE(r);
  CHECK(r->status == 204);
  CHECK(r->body.empty());
  std::string pb = ProtoPushBody({{"{job=\"promtail\", app=\"api\"}", {{NowNs(), "from promtail", {{"trace_id", "t1"}}}}}});
  auto p = cli.Post("/loki/api/v1/push", pb, "application/x-protobuf");
  REQUIRE(p);
  CHECK(p->status == 204);
  auto rows = srv.sink.Rows();
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].tenant == "fake");
  CHECK(rows[0].labels == "{host=\"h1\", job=\"curl\", service_name=\"curl\"}");
  CHECK(rows[0].line == "hello from curl");
  CHECK(rows[1].labels == "{app=\"api\", job=\"promtail\", service_name=\"api\"}");
  CHECK(rows[1].metadata == "trace_id=t1");
}

TEST_CASE("gzip Content-Encoding on JSON and protobuf, legacy JSON, br rejected", "[push]") {
  PushTestServer srv(LimitsConfig{}, false);
  httplib::Client cli("127.0.0.1", srv.port());
  httplib::Headers gz = {{"Content-Encoding", "gzip"}};
  auto r = cli.Post("/loki/api/v1/push", gz, Gzip(CurlJson("gzipped json")), "application/json");
  REQUIRE(r);
  CHECK(r->status == 204);
  auto p = cli.Post("/loki/api/v1/push", gz, Gzip(ProtoPushBody({{"{a=\"b\"}", {{NowNs(), "gzipped proto"}}}})),
                    "application/x-protobuf");
  REQUIRE(p);
  CHECK(p->status == 204);
  std::string legacy = R"({"streams":[{"labels":"{job=\"legacy\"}","entries":[{"ts":"2099-01-01T00:00:00Z","line":"too new"},)"
                       R"({"ts":")" + std::string("NOW") + R"(","line":"legacy line"}]}]})";
  // A legacy body with one valid entry (RFC3339 now) and one too far in the future.
  auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  legacy.replace(legacy.find("NOW"), 3, buf);
  auto l = cli.Post("/api/prom/push", legacy, "application/json");
  REQUIRE(l);
  CHECK(l->status == 400);
  CHECK(l->body == "entry for stream '{job=\"legacy\", service_name=\"legacy\"}' has timestamp too new: 2099-01-01T00:00:00Z\n");
  auto rows = srv.sink.Rows();
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].line == "gzipped json");
  CHECK(rows[1].line == "gzipped proto");
  CHECK(rows[2].line == "legacy line");
  auto br = cli.Post("/loki/api/v1/push", {{"Content-Encoding", "br"}}, "xx", "application/json");
  REQUIRE(br);
  CHECK(br->status == 400);
  CHECK(br->body == "Content-Encoding \"br\" not supported\n");
  CHECK(br->get_header_value("Content-Type") == "text/plain; charset=utf-8");
}

TEST_CASE("400 partial success keeps the valid entries - 422 for no streams", "[push]") {
  PushTestServer srv(LimitsConfig{}, false);
  httplib::Client cli("127.0.0.1", srv.port());
  std::string pb = ProtoPushBody({{"{job=\"ok\"}", {{NowNs(), "valid"}, {NowNs() - 30LL * 24 * 3600 * 1000000000LL, "ancient"}}},
                                  {"{}", {{NowNs(), "no labels"}}}});
  auto r = cli.Post("/loki/api/v1/push", pb, "application/x-protobuf");
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(r->body.find("has timestamp too old") != std::string::npos);
  CHECK(r->body.find("error at least one label pair is required per stream") != std::string::npos);
  CHECK(r->body.back() == '\n');
  auto rows = srv.sink.Rows();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].line == "valid");
  auto e = cli.Post("/loki/api/v1/push", R"({"streams":[]})", "application/json");
  REQUIRE(e);
  CHECK(e->status == 422);
  CHECK(e->body == "error at least one valid stream is required for ingestion\n");
  auto bad = cli.Post("/loki/api/v1/push", ProtoPushBody({{"{a=\"b", {{NowNs(), "x"}}}}), "application/x-protobuf");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  CHECK(bad->body.rfind("couldn't parse labels: ", 0) == 0);
}

TEST_CASE("auth enabled: 401 without X-Scope-OrgID, tenant from the header", "[push]") {
  PushTestServer srv(LimitsConfig{}, true);
  httplib::Client cli("127.0.0.1", srv.port());
  auto r = cli.Post("/loki/api/v1/push", CurlJson("x"), "application/json");
  REQUIRE(r);
  CHECK(r->status == 401);
  CHECK(r->body == "no org id\n");
  auto ok = cli.Post("/loki/api/v1/push", {{"X-Scope-OrgID", "team-a"}}, CurlJson("mine"), "application/json");
  REQUIRE(ok);
  CHECK(ok->status == 204);
  auto multi = cli.Post("/loki/api/v1/push", {{"X-Scope-OrgID", "a|b"}}, CurlJson("x"), "application/json");
  REQUIRE(multi);
  CHECK(multi->status == 400);
  auto rows = srv.sink.Rows();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].tenant == "team-a");
}

TEST_CASE("413 above max_push_body_bytes, also after gzip inflation", "[push]") {
  LimitsConfig lim;
  lim.max_push_body_bytes = 2000;
  PushTestServer srv(lim, false);
  httplib::Client cli("127.0.0.1", srv.port());
  auto r = cli.Post("/loki/api/v1/push", CurlJson(std::string(5000, 'x')), "application/json");
  REQUIRE(r);
  CHECK(r->status == 413);
  auto g = cli.Post("/loki/api/v1/push", {{"Content-Encoding", "gzip"}}, Gzip(CurlJson(std::string(50000, 'y'))),
                    "application/json");
  REQUIRE(g);
  CHECK(g->status == 413);
  CHECK(g->body.rfind("request body too large: ", 0) == 0);
  httplib::Client cli2("127.0.0.1", srv.port());
  auto ok = cli2.Post("/loki/api/v1/push", CurlJson("small"), "application/json");
  REQUIRE(ok);
  CHECK(ok->status == 204);
  CHECK(srv.sink.Rows().size() == 1);
}

TEST_CASE("429 when the tenant ingestion rate is exceeded", "[push]") {
  LimitsConfig lim;
  lim.ingestion_rate_mb = 100.0 / (1 << 20);  // the 500 B gap takes 5 s to refill
  lim.ingestion_burst_size_mb = 1500.0 / (1 << 20);
  PushTestServer srv(lim, false);
  httplib::Client cli("127.0.0.1", srv.port());
  std::string body = CurlJson(std::string(1000, 'z'));
  auto a = cli.Post("/loki/api/v1/push", body, "application/json");
  REQUIRE(a);
  CHECK(a->status == 204);
  auto b = cli.Post("/loki/api/v1/push", body, "application/json");
  REQUIRE(b);
  CHECK(b->status == 429);
  CHECK(b->body.rfind("Ingestion rate limit exceeded for user fake (limit: 100 bytes/sec)", 0) == 0);
  CHECK(srv.sink.Rows().size() == 1);
}

TEST_CASE("a storage failure (disk full) is a retryable 503 with its message", "[push]") {
  PushTestServer srv(LimitsConfig{}, false);
  srv.sink.SetFailure(Status::IOError("wal: no space left on device"));
  httplib::Client cli("127.0.0.1", srv.port());
  auto r = cli.Post("/loki/api/v1/push", CurlJson("x"), "application/json");
  REQUIRE(r);
  CHECK(r->status == 503);
  CHECK(r->body == "wal: no space left on device\n");
}
