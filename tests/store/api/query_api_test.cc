// The read API over a real socket, with requests shaped exactly as Grafana and logcli send them.
#include <catch.hpp>
#include <simdjson.h>

#include "tests/store/api/query_api_test_util.h"

namespace skald::api::testing {
namespace {

LabelSet L(const char* s) { return *LabelSet::Parse(s); }

void Seed(skald::testing::FakeStoreReader& r) {
  r.Push("fake", L(R"({app="a", env="prod"})"),
         {{10 * kSec, "a one", {}}, {20 * kSec, "a two", {{"trace_id", "t2"}}}, {30 * kSec, "a three", {}}});
  r.Push("fake", L(R"({app="b", env="dev"})"), {{15 * kSec, "b one", {}}, {25 * kSec, "b two", {}}});
}

simdjson::dom::element Parse(simdjson::dom::parser& p, const std::string& body) {
  simdjson::dom::element e;
  REQUIRE(p.parse(body).get(e) == simdjson::SUCCESS);
  return e;
}

std::string Str(simdjson::dom::element e) { return std::string(e.get_string().value()); }

TEST_CASE("Grafana range log query: streams with ns-string timestamps, sorted, newest first") {
  ApiServer s;
  Seed(s.reader);
  auto c = s.Client();
  auto res = c.Get("/loki/api/v1/query_range?direction=backward&limit=1000&query=%7Benv%3D~%22.%2B%22%7D"
                   "&start=0&end=100000000000&step=60000ms",
                   {{"X-Query-Tags", "Source=logsample"}});
  REQUIRE(res);
  REQUIRE(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "application/json; charset=UTF-8");
  simdjson::dom::parser p;
  auto doc = Parse(p, res->body);
  CHECK(Str(doc["status"]) == "success");
  CHECK(Str(doc["data"]["resultType"]) == "streams");
  auto result = doc["data"]["result"].get_array().value();
  REQUIRE(result.size() == 3);  // {app="a"} splits by trace_id metadata without categorize
  // Sorted by label string: `{app="a", env="prod", trace_id="t2"}` < `{app="a", env="prod"}`.
  CHECK(Str(result.at(0)["stream"]["trace_id"]) == "t2");
  auto v1 = result.at(1)["values"].get_array().value();
  CHECK(Str(result.at(1)["stream"]["app"]) == "a");
  CHECK(Str(v1.at(0).at(0)) == "30000000000");
  CHECK(Str(v1.at(0).at(1)) == "a three");
  CHECK(Str(v1.at(1).at(1)) == "a one");
  CHECK(v1.at(0).get_array().value().size() == 2);
  CHECK(Str(result.at(2)["stream"]["app"]) == "b");
  CHECK(doc["data"]["stats"]["summary"]["totalLinesProcessed"].get_int64().value() == 5);
  CHECK(doc["data"]["stats"]["summary"]["execTime"].is_number());
}

TEST_CASE("categorize-labels: encodingFlags before result, 3-element entries with metadata") {
  ApiServer s;
  Seed(s.reader);
  auto c = s.Client();
  auto res = c.Get("/loki/api/v1/query_range?query=%7Bapp%3D%22a%22%7D&start=0&end=100&direction=forward",
                   {{"X-Loki-Response-Encoding-Flags", "categorize-labels"}});
  REQUIRE(res->status == 200);
  size_t flags = res->body.find("\"encodingFlags\":[\"categorize-labels\"]");
  REQUIRE(flags != std::string::npos);
  CHECK(flags < res->body.find("\"result\""));
  CHECK(res->body.find(R"(["10000000000","a one",{}])") != std::string::npos);
  CHECK(res->body.find(R"(["20000000000","a two",{"structuredMetadata":{"trace_id":"t2"}}])") != std::string::npos);
  CHECK(res->body.find(R"("stream":{"app":"a","env":"prod"})") != std::string::npos);
  auto plain = c.Get("/loki/api/v1/query_range?query=%7Bapp%3D%22a%22%7D&start=0&end=100");
  CHECK(plain->body.find("encodingFlags") == std::string::npos);
  CHECK(plain->body.find(R"(["30000000000","a three"])") != std::string::npos);
}

TEST_CASE("Grafana health check: vector(1)+vector(1) at a future 10-digit time") {
  ApiServer s;
  auto c = s.Client();
  auto res = c.Get("/loki/api/v1/query?direction=backward&query=vector(1)%2Bvector(1)&time=4000000000");
  REQUIRE(res->status == 200);
  CHECK(res->body.find(R"("resultType":"vector","result":[{"metric":{},"value":[4000000000,"2"]}])") !=
        std::string::npos);
}

TEST_CASE("metric range query: matrix times are numbers, values are strings") {
  ApiServer s;
  Seed(s.reader);
  auto c = s.Client();
  httplib::Params form{{"query", "sum by (level, detected_level) (count_over_time({app=\"a\"} | drop __error__ [10s]))"},
                       {"start", "10"}, {"end", "30"}, {"step", "10"}};
  auto res = c.Post("/loki/api/v1/query_range", form);
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 200);
  CHECK(res->body.find(R"("result":[{"metric":{},"values":[[10,"1"],[20,"1"],[30,"1"]]}])") != std::string::npos);
  auto plain = c.Get("/loki/api/v1/query_range?query=count_over_time(%7Bapp%3D%22b%22%7D%5B10s%5D)&start=10&end=30&step=5");
  REQUIRE(plain->status == 200);
  CHECK(plain->body.find(R"("values":[[15,"1"],[20,"1"],[25,"1"],[30,"1"]])") != std::string::npos);
}

TEST_CASE("logcli: uppercase direction and paging by the last timestamp") {
  ApiServer s;
  Seed(s.reader);
  auto c = s.Client();
  std::vector<std::string> seen;
  int64_t end = 100 * kSec;
  for (int page = 0; page < 10; page++) {
    std::string url = "/loki/api/v1/query_range?query=%7Benv%3D%22dev%22%7D&limit=1&direction=BACKWARD&start=0&end=" +
                      std::to_string(end);
    auto res = c.Get(url);
    REQUIRE(res->status == 200);
    simdjson::dom::parser p;
    auto result = Parse(p, res->body)["data"]["result"].get_array().value();
    if (result.size() == 0) break;
    auto entry = result.at(0)["values"].get_array().value().at(0);
    int64_t ts = std::stoll(Str(entry.at(0)));
    std::string line = Str(entry.at(1));
    if (!seen.empty() && seen.back() == line) {
      end = ts;  // boundary duplicate: move past it
      continue;
    }
    seen.push_back(line);
    end = ts + 1;
  }
  CHECK(seen == std::vector<std::string>{"b two", "b one"});
}

TEST_CASE("parameter and query errors are plain text with Loki's messages") {
  ApiServer s;
  Seed(s.reader);
  auto c = s.Client();
  struct Case { std::string url; int status; std::string body; };
  std::vector<Case> cases = {
      {"/loki/api/v1/query?query=%7Bapp%3D%22a%22%7D&time=50", 400,
       "log queries are not supported as an instant query type, please change your query to a range query type"},
      {"/loki/api/v1/query_range?query=%7Bapp%3D%22a%22%7D&direction=sideways", 400, "invalid direction 'sideways'"},
      {"/loki/api/v1/query_range?query=%7Bapp%3D%22a%22%7D&limit=0", 400, "limit must be a positive value"},
      {"/loki/api/v1/query_range?query=%7Bapp%3D%22a%22%7D&start=20&end=10", 400,
       "end timestamp must not be before or equal to start time"},
      {"/loki/api/v1/query_range?query=%7Bapp%3D%22a%22%7D&start=10&end=20&step=0", 400,
       "zero or negative query resolution step widths are not accepted. Try a positive integer"},
      {"/loki/api/v1/query_range?query=%7Bapp%3D%22a%22%7D&start=0&end=100000&step=1", 400,
       "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)"},
      {"/loki/api/v1/query_range?query=%7Bapp%3D%22a%22%7D&interval=-1", 400, "interval must be >= 0"},
      {"/loki/api/v1/query_range?query=%7Bapp%3D%22a%22%7D&limit=6000", 400,
       "max entries limit per query exceeded, limit > max_entries_limit_per_query (6000 > 5000)"},
      {"/loki/api/v1/query_range?query=%7Bapp%3D%22a%22%7D&start=abc", 400,
       "could not parse 'start' parameter: strconv.ParseInt: parsing \"abc\": invalid syntax"},
  };
  for (const auto& k : cases) {
    INFO(k.url);
    auto res = c.Get(k.url);
    REQUIRE(res);
    CHECK(res->status == k.status);
    CHECK(res->body == k.body);
    CHECK(res->get_header_value("Content-Type") == "text/plain; charset=utf-8");
  }
}

TEST_CASE("auth enabled: no org id is 401 - several tenants are queried together when enabled") {
  {
    ApiServer off(true);   // querier.multi_tenant_queries_enabled: false, Loki's default
    auto c = off.Client();
    auto both = c.Get("/loki/api/v1/query_range?query=%7Bapp%3D~%22.%2B%22%7D&start=0&end=100",
                      {{"X-Scope-OrgID", "t1|t2"}});
    CHECK(both->status == 400);
    CHECK(both->body == "multiple org IDs present");
  }
  ApiServer s(true, [](QueryDeps& d) { d.multi_tenant_queries = true; });
  s.reader.Push("t1", L(R"({app="x"})"), {{10 * kSec, "from t1", {}}});
  s.reader.Push("t2", L(R"({app="y"})"), {{11 * kSec, "from t2", {}}});
  auto c = s.Client();
  auto res = c.Get("/loki/api/v1/query_range?query=%7Bapp%3D~%22.%2B%22%7D&start=0&end=100");
  CHECK(res->status == 401);
  CHECK(res->body == "no org id");
  auto both = c.Get("/loki/api/v1/query_range?query=%7Bapp%3D~%22.%2B%22%7D&start=0&end=100",
                    {{"X-Scope-OrgID", "t1|t2"}});
  REQUIRE(both->status == 200);
  CHECK(both->body.find("from t1") != std::string::npos);
  CHECK(both->body.find("from t2") != std::string::npos);
  auto one = c.Get("/loki/api/v1/labels?start=0&end=100", {{"X-Scope-OrgID", "t2"}});
  CHECK(one->body == R"({"status":"success","data":["app"]})");
}

TEST_CASE("label browser: labels, label values, series with match and match[]") {
  ApiServer s;
  Seed(s.reader);
  auto c = s.Client();
  CHECK(c.Get("/loki/api/v1/labels?start=0&end=100000000000")->body ==
        R"({"status":"success","data":["app","env"]})");
  CHECK(c.Get("/loki/api/v1/label?start=0&end=100")->body == R"({"status":"success","data":["app","env"]})");
  CHECK(c.Get("/loki/api/v1/label/app/values?start=0&end=100")->body ==
        R"({"status":"success","data":["a","b"]})");
  CHECK(c.Get("/loki/api/v1/label/app/values?start=0&end=100&query=%7Benv%3D%22dev%22%7D")->body ==
        R"({"status":"success","data":["b"]})");
  CHECK(c.Get("/loki/api/v1/label/app/values?start=200&end=300")->body == R"({"status":"success","data":[]})");
  CHECK(c.Get("/api/prom/label?start=0&end=100")->body == R"({"values":["app","env"]})");
  CHECK(c.Get("/api/prom/label/env/values?start=0&end=100")->body == R"({"values":["dev","prod"]})");
  std::string a = R"({"app":"a","env":"prod"})", b = R"({"app":"b","env":"dev"})";
  CHECK(c.Get("/loki/api/v1/series?match%5B%5D=%7Bapp%3D%22a%22%7D&start=0&end=100")->body ==
        R"({"status":"success","data":[)" + a + "]}");
  CHECK(c.Get("/loki/api/v1/series?match=%7Bapp%3D%22b%22%7D&start=0&end=100")->body ==
        R"({"status":"success","data":[)" + b + "]}");
  CHECK(c.Get("/loki/api/v1/series?match=%7Bapp%3D%22b%22%7D&match%5B%5D=%7Bapp%3D%22a%22%7D&start=0&end=100")->body ==
        R"({"status":"success","data":[)" + a + "," + b + "]}");
  CHECK(c.Get("/loki/api/v1/series?match%5B%5D=%7B%7D&start=0&end=100")->body ==
        R"({"status":"success","data":[)" + a + "," + b + "]}");
  httplib::Params form{{"match[]", "{app=\"a\"}"}, {"start", "0"}, {"end", "100"}};
  CHECK(c.Post("/loki/api/v1/series", form)->body == R"({"status":"success","data":[)" + a + "]}");
}

TEST_CASE("index stats, volume, detected labels, buildinfo") {
  ApiServer s;
  Seed(s.reader);
  auto c = s.Client();
  CHECK(c.Get("/loki/api/v1/index/stats?query=%7Bapp%3D%22a%22%7D&start=0&end=100")->body ==
        R"({"streams":1,"chunks":1,"bytes":17,"entries":3})");
  auto vol = c.Get("/loki/api/v1/index/volume?query=%7Benv%3D~%22.%2B%22%7D&start=0&end=100");
  REQUIRE(vol->status == 200);
  CHECK(vol->body.find(R"("result":[{"metric":{"env":"prod"},"value":[100,"17"]},{"metric":{"env":"dev"},"value":[100,"10"]}])") !=
        std::string::npos);
  auto dl = c.Get("/loki/api/v1/detected_labels?start=0&end=100");
  CHECK(dl->body == R"({"detectedLabels":[{"label":"app","cardinality":2},{"label":"env","cardinality":2}]})");
  simdjson::dom::parser p;
  auto bi = Parse(p, c.Get("/loki/api/v1/status/buildinfo")->body);
  CHECK(!Str(bi["version"]).empty());
  CHECK(bi["goVersion"].is_string());
}

}  // namespace
}  // namespace skald::api::testing

namespace skald::api::testing {
namespace {

TEST_CASE("format_query: pretty query, or a JSON error body") {
  ApiServer s;
  auto c = s.Client();
  auto ok = c.Get("/loki/api/v1/format_query?query=%7Bapp%3D%22a%22%7D%20%7C%3D%20%22x%22");
  REQUIRE(ok->status == 200);
  CHECK(ok->body == R"({"status":"success","data":"{app=\"a\"} |= \"x\""})");
  auto bad = c.Get("/loki/api/v1/format_query?query=%7Bapp%3D");
  CHECK(bad->status == 400);
  CHECK(bad->body.rfind(R"({"status":"invalid-query","error":"parse error)", 0) == 0);
}

}  // namespace
}  // namespace skald::api::testing

namespace skald::api::testing {
namespace {

TEST_CASE("categorize-labels with a parser: parsed labels per entry, indexed labels per stream") {
  ApiServer s;
  s.reader.Push("fake", *LabelSet::Parse(R"({app="j"})"),
                {{10 * kSec, R"({"level":"warn"})", {{"trace_id", "t"}}}});
  auto c = s.Client();
  auto res = c.Get("/loki/api/v1/query_range?query=%7Bapp%3D%22j%22%7D%20%7C%20json&start=0&end=100",
                   {{"X-Loki-Response-Encoding-Flags", "categorize-labels"}});
  REQUIRE(res->status == 200);
  CHECK(res->body.find(R"("result":[{"stream":{"app":"j"},"values":[["10000000000","{\"level\":\"warn\"}",)"
                       R"({"structuredMetadata":{"trace_id":"t"},"parsed":{"level":"warn"}}]]}])") != std::string::npos);
  auto plain = c.Get("/loki/api/v1/query_range?query=%7Bapp%3D%22j%22%7D%20%7C%20json&start=0&end=100");
  CHECK(plain->body.find(R"("stream":{"app":"j","level":"warn","trace_id":"t"})") != std::string::npos);
}

TEST_CASE("legacy /api/prom/query answers streams with RFC3339 entries") {
  ApiServer s;
  s.reader.Push("fake", *LabelSet::Parse(R"({app="a"})"), {{1500000000LL * kSec + 5, "legacy", {}}});
  auto c = s.Client();
  auto res = c.Get("/api/prom/query?query=%7Bapp%3D%22a%22%7D&start=1499999000&end=1500001000");
  REQUIRE(res->status == 200);
  CHECK(res->body == R"({"streams":[{"labels":"{app=\"a\"}","entries":[{"ts":"2017-07-14T02:40:00.000000005Z","line":"legacy"}]}]})");
}

TEST_CASE("detected_fields: logfmt and JSON fields with types and cardinality") {
  ApiServer s;
  s.reader.Push("fake", *LabelSet::Parse(R"({app="f"})"),
                {{10 * kSec, "level=info took=15ms size=10KB n=3", {}},
                 {11 * kSec, "level=error took=2s size=1MB n=4.5", {}},
                 {12 * kSec, R"({"ok":true,"req":{"id":"x"}})", {}}});
  auto c = s.Client();
  auto res = c.Get("/loki/api/v1/detected_fields?query=%7Bapp%3D%22f%22%7D&start=0&end=100");
  REQUIRE(res->status == 200);
  CHECK(res->body == R"({"fields":[)"
                     R"({"label":"level","type":"string","cardinality":2,"parsers":["logfmt"]},)"
                     R"({"label":"n","type":"float","cardinality":2,"parsers":["logfmt"]},)"
                     R"({"label":"ok","type":"boolean","cardinality":1,"parsers":["json"]},)"
                     R"({"label":"req_id","type":"string","cardinality":1,"parsers":["json"]},)"
                     R"({"label":"size","type":"bytes","cardinality":2,"parsers":["logfmt"]},)"
                     R"({"label":"took","type":"duration","cardinality":2,"parsers":["logfmt"]}],"limit":1000})");
  auto vals = c.Get("/loki/api/v1/detected_field/level/values?query=%7Bapp%3D%22f%22%7D&start=0&end=100");
  CHECK(vals->body == R"({"values":["error","info"],"limit":1000})");
}

TEST_CASE("volume_range buckets bytes by step") {
  ApiServer s;
  s.reader.chunk_entries = 1;
  s.reader.Push("fake", *LabelSet::Parse(R"({app="v"})"), {{10 * kSec, "12345", {}}, {70 * kSec, "123", {}}});
  auto c = s.Client();
  auto res = c.Get("/loki/api/v1/index/volume_range?query=%7Bapp%3D%22v%22%7D&start=0&end=100&step=60");
  REQUIRE(res->status == 200);
  CHECK(res->body.find(R"("result":[{"metric":{"app":"v"},"values":[[0,"5"],[60,"3"]]}])") != std::string::npos);
}

}  // namespace
}  // namespace skald::api::testing
