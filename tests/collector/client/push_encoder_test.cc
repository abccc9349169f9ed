// The hand-rolled PushRequest encoder against protobuf's own parser: lines, timestamps (incl.
// negative and zero parts), structured metadata records, interleaved streams and hash collisions
// decode to what was appended.
#include <catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "collector/client/push_encoder.h"
#include "push.pb.h"

using namespace skald;
using namespace skald::client;

namespace {
logproto::PushRequest Decode(const PushBatch& b) {
  std::string out = "stale bytes are replaced";
  b.Encode(&out);
  logproto::PushRequest req;
  REQUIRE(req.ParseFromString(out));
  return req;
}
// A fresh label text (a new object each call: lookups compare the text, not the pointer).
std::shared_ptr<const std::string> Text(const char* labels) { return std::make_shared<const std::string>(labels); }
}  // namespace

TEST_CASE("push encoder: entries with and without structured metadata decode with protobuf") {
  const std::vector<Label> md = {{"trace_id", "abc"}, {"pod", "p-1"}}, empty_value = {{"empty", ""}};
  PushBatch b;
  const uint32_t s = b.StreamFor(7, Text("{job=\"x\"}"));
  b.Append(s, 1700000000123456789LL, "first", &md);
  b.Append(s, 1700000001000000000LL, "", nullptr);
  b.Append(s, -1500000000LL, "before epoch", &empty_value);
  logproto::PushRequest req = Decode(b);
  REQUIRE(req.streams_size() == 1);
  const auto& st = req.streams(0);
  CHECK(st.labels() == "{job=\"x\"}");
  REQUIRE(st.entries_size() == 3);
  CHECK(st.entries(0).line() == "first");
  CHECK(st.entries(0).timestamp().seconds() == 1700000000);
  CHECK(st.entries(0).timestamp().nanos() == 123456789);
  REQUIRE(st.entries(0).structuredmetadata_size() == 2);
  CHECK(st.entries(0).structuredmetadata(0).name() == "trace_id");
  CHECK(st.entries(0).structuredmetadata(0).value() == "abc");
  CHECK(st.entries(0).structuredmetadata(1).name() == "pod");
  CHECK(st.entries(0).structuredmetadata(1).value() == "p-1");
  CHECK(st.entries(1).line().empty());
  CHECK(st.entries(1).structuredmetadata_size() == 0);
  CHECK(st.entries(2).timestamp().seconds() == -2);
  CHECK(st.entries(2).timestamp().nanos() == 500000000);
  REQUIRE(st.entries(2).structuredmetadata_size() == 1);
  CHECK(st.entries(2).structuredmetadata(0).value().empty());
}

TEST_CASE("push encoder: interleaved streams keep per-stream order, colliding hashes stay apart") {
  PushBatch b;
  // Same hash for two different label texts (a 64-bit collision) and a third stream.
  const uint32_t a = b.StreamFor(42, Text("{app=\"a\"}"));
  const uint32_t c = b.StreamFor(42, Text("{app=\"c\"}"));
  const uint32_t d = b.StreamFor(43, Text("{app=\"d\"}"));
  REQUIRE(a != c);
  REQUIRE(b.StreamFor(42, Text("{app=\"c\"}")) == c);
  REQUIRE(b.StreamFor(42, Text("{app=\"a\"}")) == a);
  REQUIRE(b.StreamFor(43, Text("{app=\"d\"}")) == d);
  for (int i = 0; i < 30; ++i) {
    const uint32_t s = i % 3 == 0 ? a : i % 3 == 1 ? c : d;
    b.Append(s, 1000 + i, "line " + std::to_string(i), nullptr);
  }
  REQUIRE(b.streams() == 3);
  REQUIRE(b.entries() == 30);
  logproto::PushRequest req = Decode(b);
  REQUIRE(req.streams_size() == 3);
  const char* labels[] = {"{app=\"a\"}", "{app=\"c\"}", "{app=\"d\"}"};
  for (int k = 0; k < 3; ++k) {
    const auto& st = req.streams(k);
    CHECK(st.labels() == labels[k]);  // first-appended order
    REQUIRE(st.entries_size() == 10);
    for (int j = 0; j < 10; ++j) {
      CHECK(st.entries(j).line() == "line " + std::to_string(3 * j + k));
      CHECK(st.entries(j).timestamp().nanos() == 1000 + 3 * j + k);
    }
  }
}

TEST_CASE("push encoder: an empty batch encodes to an empty request") {
  PushBatch b;
  CHECK(b.empty());
  logproto::PushRequest req = Decode(b);
  CHECK(req.streams_size() == 0);
}

TEST_CASE("push encoder: streams keep their label text after the caller drops it, colliding hashes") {
  PushBatch b;
  std::vector<uint32_t> ids;
  for (int k = 0; k < 100; ++k) {
    auto text = std::make_shared<const std::string>("{k=\"" + std::to_string(k) + "\", pad=\"" + std::string(40, 'p') + "\"}");
    ids.push_back(b.StreamFor(static_cast<uint64_t>(k % 7), text));  // hashes collide in 7 groups
  }  // the caller's references dropped here
  for (int k = 0; k < 100; ++k) {
    const std::string text = "{k=\"" + std::to_string(k) + "\", pad=\"" + std::string(40, 'p') + "\"}";
    REQUIRE(b.StreamFor(static_cast<uint64_t>(k % 7), std::make_shared<const std::string>(text)) == ids[k]);
    b.Append(ids[k], k + 1, "line " + std::to_string(k), nullptr);
  }
  REQUIRE(b.streams() == 100);
  logproto::PushRequest req = Decode(b);
  REQUIRE(req.streams_size() == 100);
  for (int k = 0; k < 100; ++k) {
    CHECK(req.streams(k).labels() == "{k=\"" + std::to_string(k) + "\", pad=\"" + std::string(40, 'p') + "\"}");
    REQUIRE(req.streams(k).entries_size() == 1);
    CHECK(req.streams(k).entries(0).line() == "line " + std::to_string(k));
  }
}
