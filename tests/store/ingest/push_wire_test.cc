// DecodePushWire against libprotobuf: the shapes clients send decode directly and equal
// libprotobuf's parse; unusual shapes are declined, and DecodeProtobufPush then answers as before.
#include <catch.hpp>

#include <string>
#include <vector>

#include "push.pb.h"
#include "store/ingest/push_decoder.h"
#include "store/ingest/push_wire.h"
#include "tests/store/ingest/test_bodies.h"

using namespace skald;
using namespace skald::ingest;

namespace {

// What libprotobuf makes of `bytes`, in DecodePushWire's shape.
std::vector<WireStream> ViaLibprotobuf(const std::string& bytes) {
  logproto::PushRequest req;
  REQUIRE(req.ParseFromString(bytes));
  std::vector<WireStream> out;
  for (const auto& s : req.streams()) {
    WireStream w{s.labels(), {}};
    for (const auto& e : s.entries()) {
      LogEntry le{TimestampNs(e.timestamp().seconds(), e.timestamp().nanos()), e.line(), {}};
      for (const auto& m : e.structuredmetadata()) le.metadata.push_back({m.name(), m.value()});
      w.second.push_back(std::move(le));
    }
    out.push_back(std::move(w));
  }
  return out;
}

std::string Varint(uint64_t v) {
  std::string s;
  while (v >= 0x80) {
    s.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  s.push_back(static_cast<char>(v));
  return s;
}
std::string Field(uint32_t n, const std::string& payload) { return Varint(n << 3 | 2) + Varint(payload.size()) + payload; }
// A short payload behind its length in two bytes where one would do.
std::string Overlong2(const std::string& payload) {
  return std::string{static_cast<char>(payload.size() | 0x80), '\0'} + payload;
}

}  // namespace

TEST_CASE("push wire: what clients send decodes exactly as libprotobuf parses it") {
  logproto::PushRequest req;
  auto* s = req.add_streams();
  s->set_labels("{app=\"api\", env=\"prod\"}");
  s->set_hash(12345);
  for (int i = 0; i < 3; ++i) {
    auto* e = s->add_entries();
    e->mutable_timestamp()->set_seconds(1700000000 + i);
    e->mutable_timestamp()->set_nanos(999999999 - i);
    e->set_line(i == 1 ? std::string("bad \xff\xfe utf-8 line") : "line " + std::to_string(i));
    if (i == 2) {
      auto* m = e->add_structuredmetadata();
      m->set_name("trace_id");
      m->set_value("zoë");
      e->add_structuredmetadata()->set_name("empty");
    }
  }
  auto* s2 = req.add_streams();
  s2->set_labels("{app=\"db\"}");
  s2->add_entries()->mutable_timestamp()->set_seconds(-5);   // negative: before 1970
  s2->add_entries()->set_line("no timestamp");
  req.add_streams();                                          // an empty stream message
  req.set_format("json");
  const std::string bytes = req.SerializeAsString();
  std::vector<WireStream> got;
  REQUIRE(DecodePushWire(bytes, &got));
  CHECK(got == ViaLibprotobuf(bytes));
  REQUIRE(got.size() == 3);
  CHECK(got[0].second[1].line == "bad \xff\xfe utf-8 line");
  CHECK(got[0].second[2].metadata == std::vector<Label>{{"trace_id", "zoë"}, {"empty", ""}});
  CHECK(got[1].second[0].ts_ns == -5000000000LL);
  std::vector<WireStream> none;
  CHECK(DecodePushWire("", &none));
  CHECK(none.empty());
}

TEST_CASE("push wire: timestamps saturate and int32 nanos keep their low bits") {
  CHECK(TimestampNs(INT64_MAX / 2, 0) == INT64_MAX);
  CHECK(TimestampNs(INT64_MIN / 2, 0) == INT64_MIN);
  CHECK(TimestampNs(1, -1) == 999999999);
  // nanos sent as a 64-bit varint (a negative int32 is sign-extended on the wire).
  std::string ts = Varint(1 << 3 | 0) + Varint(10) + Varint(2 << 3 | 0) + Varint(static_cast<uint64_t>(-7LL));
  std::string bytes = Field(1, Field(1, "{a=\"b\"}") + Field(2, Field(1, ts) + Field(2, "x")));
  std::vector<WireStream> got;
  REQUIRE(DecodePushWire(bytes, &got));
  CHECK(got == ViaLibprotobuf(bytes));
  CHECK(got[0].second[0].ts_ns == 10LL * 1000000000 - 7);
}

TEST_CASE("push wire: unusual shapes are declined and libprotobuf answers") {
  const std::string entry = Field(2, Field(2, "line"));
  struct Case { const char* what; std::string bytes; bool parses; };
  std::vector<Case> cases = {
      {"unknown field", Field(1, Field(1, "{a=\"b\"}") + entry) + Field(9, "x"), true},
      {"labels given twice (last wins)", Field(1, Field(1, "{a=\"b\"}") + Field(1, "{a=\"c\"}") + entry), true},
      {"parsed labels on an entry", Field(1, Field(1, "{a=\"b\"}") + Field(2, Field(2, "l") + Field(4, ""))), true},
      {"labels not valid UTF-8", Field(1, Field(1, "{a=\"\xff\"}") + entry), false},
      {"metadata value not valid UTF-8", Field(1, Field(1, "{a=\"b\"}") + Field(2, Field(3, Field(2, "\xc3")))), false},
      {"truncated", Field(1, Field(1, "{a=\"b\"}") + entry).substr(0, 7), false},
      {"overlong length varint (7 bytes for 0)", Field(1, Field(1, "{a=\"b\"}") + entry) + std::string("\x0a\x80\x80\x80\x80\x80\x80\x00", 8), false},
      {"overlong length varint (2 bytes)", std::string(1, '\x0a').append(Overlong2(Field(1, "{a=\"b\"}") + entry)), true},
      {"wire type mismatch (hash as bytes)", Field(1, Field(1, "{a=\"b\"}") + Field(3, "x") + entry), true},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    std::vector<WireStream> got;
    CHECK_FALSE(DecodePushWire(c.bytes, &got));
    logproto::PushRequest req;
    CHECK(req.ParseFromString(c.bytes) == c.parses);
    // The whole decoder still gives libprotobuf's answer.
    std::string body;
    snappy::Compress(c.bytes.data(), c.bytes.size(), &body);
    auto r = DecodeProtobufPush(body, 1 << 20);
    CHECK(r.ok() == c.parses);
    if (!r.ok()) CHECK(r.status().message() == "proto: cannot parse invalid wire-format data");
  }
  // Last wins, as libprotobuf merges singular fields.
  std::string body, twice = Field(1, Field(1, "{a=\"b\"}") + Field(1, "{a=\"c\"}") + entry);
  snappy::Compress(twice.data(), twice.size(), &body);
  auto r = DecodeProtobufPush(body, 1 << 20);
  REQUIRE(r.ok());
  REQUIRE(r->size() == 1);
  CHECK((*r)[0].labels_text == "{a=\"c\"}");
}
