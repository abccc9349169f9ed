// The hand-rolled PushRequest encoder against protobuf's own parser: lines, timestamps (incl.
// negative and zero parts) and structured metadata records decode to what was encoded.
#include <catch.hpp>

#include "collector/client/push_encoder.h"
#include "push.pb.h"

using namespace skald;
using namespace skald::client;

TEST_CASE("push encoder: entries with and without structured metadata decode with protobuf") {
  EncStream s;
  s.labels = "{job=\"x\"}";
  auto add = [&](int64_t ts, const std::string& line, const std::vector<Label>& md) {
    EncEntry e{ts, static_cast<uint32_t>(s.arena.size()), static_cast<uint32_t>(line.size())};
    s.arena.append(line);
    e.meta_len = AppendMetadataRecords(md, &s.arena);
    s.entries.push_back(e);
  };
  add(1700000000123456789LL, "first", {{"trace_id", "abc"}, {"pod", "p-1"}});
  add(1700000001000000000LL, "", {});
  add(-1500000000LL, "before epoch", {{"empty", ""}});
  std::string out;
  EncodePushRequest({&s}, &out);
  logproto::PushRequest req;
  REQUIRE(req.ParseFromString(out));
  REQUIRE(req.streams_size() == 1);
  const auto& st = req.streams(0);
  CHECK(st.labels() == s.labels);
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
