// Push body decoding: protobuf+snappy, JSON with structured metadata, legacy JSON, encodings,
// stream merging, and the error text for each kind of bad body.
#include <catch.hpp>

#include <cstdint>

#include "store/ingest/push_decoder.h"
#include "tests/store/ingest/test_bodies.h"

using namespace skald;
using namespace skald::ingest;
using skald::testing::Deflate;
using skald::testing::Gzip;
using skald::testing::ProtoPushBody;

namespace {

PushBodyInfo Json(std::string enc = "") {
  PushBodyInfo i;
  i.content_type = "application/json";
  i.content_encoding = std::move(enc);
  return i;
}
PushBodyInfo Proto(std::string enc = "") {
  PushBodyInfo i;
  i.content_type = "application/x-protobuf";
  i.content_encoding = std::move(enc);
  return i;
}

}  // namespace

TEST_CASE("protobuf + raw snappy bodies decode with metadata and nanoseconds") {
  std::string body = ProtoPushBody({{"{job=\"app\", env=\"prod\"}",
                                     {{1700000000123456789, "hello", {{"trace_id", "abc"}}},
                                      {1700000001000000000, "world"}}}});
  for (const char* ct : {"application/x-protobuf", "", "text/plain"}) {
    PushBodyInfo info;
    info.content_type = ct;
    auto r = DecodePushBody(body, info);
    REQUIRE(r.ok());
    REQUIRE(r->size() == 1);
    const RawStream& s = (*r)[0];
    CHECK(s.labels_text == "{job=\"app\", env=\"prod\"}");
    CHECK(s.labels.ToString() == "{env=\"prod\", job=\"app\"}");
    REQUIRE(s.entries.size() == 2);
    CHECK(s.entries[0].ts_ns == 1700000000123456789);
    CHECK(s.entries[0].line == "hello");
    REQUIRE(s.entries[0].metadata.size() == 1);
    CHECK(s.entries[0].metadata[0] == Label{"trace_id", "abc"});
    CHECK(s.entries[1].line == "world");
  }
}

TEST_CASE("JSON v1 bodies: metadata, null values, unknown keys, merged label sets") {
  std::string body = R"({"streams":[
    {"stream":{"job":"a","env":"x"},"values":[["1700000000000000001","l1",{"trace_id":"t1"}],["5","l2"]]},
    {"stream":{"env":"x","job":"a"},"values":[["6","l3"]],"extra":1},
    {"stream":{"job":"b"},"values":null},
    {"stream":{"job":"c","empty":""},"values":[["7","l4",{},"extra"]]}
  ],"unknown":true})";
  auto r = DecodePushBody(body, Json());
  REQUIRE(r.ok());
  REQUIRE(r->size() == 3);
  CHECK((*r)[0].labels_text == "{env=\"x\", job=\"a\"}");
  REQUIRE((*r)[0].entries.size() == 3);  // merged: same label set sent twice (Fluent Bit)
  CHECK((*r)[0].entries[0].metadata == std::vector<Label>{{"trace_id", "t1"}});
  CHECK((*r)[0].entries[2].line == "l3");
  CHECK((*r)[1].entries.empty());
  CHECK((*r)[2].labels_text == "{empty=\"\", job=\"c\"}");
  CHECK((*r)[2].labels.ToString() == "{job=\"c\"}");
}

TEST_CASE("legacy JSON on /api/prom/push") {
  std::string body = R"({"streams":[{"labels":"{foo=\"bar\"}","entries":[
      {"ts":"2024-01-02T03:04:05.123456789Z","line":"one"},
      {"ts":"2024-01-02T05:04:05+02:00","line":"two"}]}]})";
  PushBodyInfo info = Json();
  info.legacy = true;
  auto r = DecodePushBody(body, info);
  REQUIRE(r.ok());
  REQUIRE(r->size() == 1);
  CHECK((*r)[0].labels.ToString() == "{foo=\"bar\"}");
  REQUIRE((*r)[0].entries.size() == 2);
  CHECK((*r)[0].entries[0].ts_ns == 1704164645123456789);
  CHECK((*r)[0].entries[1].ts_ns == 1704164645000000000);
}

// Legacy `ts` is read with Go's time.Parse(RFC3339Nano) rules (common/time_util), and an instant
// that int64 nanoseconds cannot hold is refused rather than clamped or wrapped into another year.
TEST_CASE("legacy JSON ts: Go's RFC3339Nano grammar, out-of-range years refused") {
  auto decode = [](const std::string& ts) {
    PushBodyInfo info = Json();
    info.legacy = true;
    return DecodePushBody(R"({"streams":[{"labels":"{foo=\"bar\"}","entries":[{"ts":")" + ts +
                              R"(","line":"x"}]}]})",
                          info);
  };
  struct Good { const char* ts; int64_t ns; } good[] = {
      {"2024-01-02T03:04:05,5Z", 1704164645500000000},
      {"2024-01-02T3:04:05Z", 1704164645000000000},
      {"2024-01-02T03:04:05.1234567891Z", 1704164645123456789},
      {"2262-04-11T23:47:16.854775807Z", INT64_MAX}};
  for (const auto& c : good) {
    INFO(c.ts);
    auto r = decode(c.ts);
    REQUIRE(r.ok());
    CHECK((*r)[0].entries[0].ts_ns == c.ns);
  }
  struct Bad { const char* ts; const char* msg; } bad[] = {
      {"2300-01-01T00:00:00Z", "out of range: timestamps must lie between"},
      {"9999-12-31T23:59:59.999999999Z", "out of range: timestamps must lie between"},
      {"1600-01-01T00:00:00Z", "out of range: timestamps must lie between"},
      {"2024-01-02t03:04:05Z", "cannot parse \"t03:04:05Z\" as \"T\""},
      {"2024-02-30T03:04:05Z", "day out of range"}};
  for (const auto& c : bad) {
    INFO(c.ts);
    auto r = decode(c.ts);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kInvalidArgument);
    CHECK(r.status().message().rfind("parsing time \"" + std::string(c.ts) + "\"", 0) == 0);
    CHECK(r.status().message().find(c.msg) != std::string::npos);
  }
}

TEST_CASE("Content-Encoding gzip and deflate are unwrapped - snappy ignored - others rejected") {
  std::string json = R"({"streams":[{"stream":{"a":"b"},"values":[["1","x"]]}]})";
  std::string proto = ProtoPushBody({{"{a=\"b\"}", {{1, "x"}}}});
  struct Case { std::string body; PushBodyInfo info; };
  std::vector<Case> ok = {
      {Gzip(json), Json("gzip")},       {Deflate(json, 15), Json("deflate")},
      {Deflate(json, -15), Json("deflate")}, {Gzip(proto), Proto("gzip")},
      {proto, Proto("snappy")},         {json, Json("")},
  };
  for (auto& c : ok) {
    auto r = DecodePushBody(c.body, c.info);
    REQUIRE(r.ok());
    REQUIRE(r->size() == 1);
    CHECK((*r)[0].entries[0].line == "x");
  }
  auto br = DecodePushBody(json, Json("br"));
  REQUIRE_FALSE(br.ok());
  CHECK(br.status().message() == "Content-Encoding \"br\" not supported");
  auto bad = DecodePushBody("not gzip at all", Json("gzip"));
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == Code::kInvalidArgument);
}

TEST_CASE("bad bodies give 400 with Loki's messages") {
  struct Case { std::string body; PushBodyInfo info; std::string msg; };
  std::vector<Case> cases = {
      {R"({"streams":[{"stream":{"a":"b"},"values":[[1700000000000000000,"x"]]}]})", Json(),
       "Value is string, but can't find closing '\"' symbol"},
      {R"({"streams":[{"stream":{"a":"b"},"values":[["12x","x"]]}]})", Json(),
       "Value looks like Number/Boolean/None, but can't find its end: ',' or '}' symbol"},
      {R"({"streams":[{"stream":{"a":"b"},"values":[["99999999999999999999","x"]]}]})", Json(),
       "Value is number, but overflowed while parsing"},
      {R"({"streams":[{"stream":{"a":"b"},"values":[["1",5]]}]})", Json(),
       "Value is string, but can't find closing '\"' symbol"},
      {R"({"streams":[{"stream":{"a":"b"},"values":[["1","x","md"]]}]})", Json(),
       "Value looks like object, but can't find closing '}' symbol"},
      {ProtoPushBody({{"{a=\"b\"", {{1, "x"}}}}), Proto(),
       "couldn't parse labels: 1:7: parse error: unexpected end of input inside braces"},
      {"\xff\xff\xff\xff\xff\x01garbage", Proto(), "snappy: corrupt input"},
  };
  for (const auto& c : cases) {
    auto r = DecodePushBody(c.body, c.info);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kInvalidArgument);
    CHECK(r.status().message() == c.msg);
  }
  auto bad_name = DecodePushBody(R"({"streams":[{"stream":{"a-b":"c"},"values":[["1","x"]]}]})", Json());
  REQUIRE_FALSE(bad_name.ok());
  CHECK(bad_name.status().message().rfind("couldn't parse labels: ", 0) == 0);
  auto not_json = DecodePushBody("{nope", Json());
  REQUIRE_FALSE(not_json.ok());
  CHECK(not_json.status().code() == Code::kInvalidArgument);
}

TEST_CASE("duplicate label names are kept for the validator, not a parse error") {
  auto r = DecodePushBody(ProtoPushBody({{"{a=\"1\", a=\"2\"}", {{1, "x"}}}}), Proto());
  REQUIRE(r.ok());
  REQUIRE(r->size() == 1);
  CHECK((*r)[0].duplicate_label == "a");
  CHECK((*r)[0].labels_text == "{a=\"1\", a=\"2\"}");
}

TEST_CASE("decoded size above the limit is 413") {
  std::string big(5000, 'x');
  std::string json = R"({"streams":[{"stream":{"a":"b"},"values":[["1",")" + big + R"("]]}]})";
  PushBodyInfo info = Json("gzip");
  info.max_decoded_bytes = 1000;
  auto r = DecodePushBody(Gzip(json), info);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kTooLarge);
  PushBodyInfo pinfo = Proto();
  pinfo.max_decoded_bytes = 1000;
  auto p = DecodePushBody(ProtoPushBody({{"{a=\"b\"}", {{1, big}}}}), pinfo);
  REQUIRE_FALSE(p.ok());
  CHECK(p.status().code() == Code::kTooLarge);
}

TEST_CASE("Content-Type media type detection") {
  CHECK(IsJsonContentType("application/json"));
  CHECK(IsJsonContentType("application/json; charset=utf-8"));
  CHECK(IsJsonContentType("Application/JSON"));
  CHECK_FALSE(IsJsonContentType(""));
  CHECK_FALSE(IsJsonContentType("application/x-protobuf"));
  CHECK_FALSE(IsJsonContentType("application/jsonx"));
}

TEST_CASE("a protobuf line that is not valid UTF-8 is accepted as bytes, as Loki's decoder does") {
  const std::string line = "binary \xff\xfe tail \xc3(";
  std::string body = ProtoPushBody({{"{job=\"app\"}", {{1700000000000000000, line}}}});
  auto r = DecodePushBody(body, Proto());
  REQUIRE(r.ok());
  REQUIRE(r->size() == 1);
  REQUIRE((*r)[0].entries.size() == 1);
  CHECK((*r)[0].entries[0].line == line);
}
