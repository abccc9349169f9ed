// ParseTailFrame: Loki's tail messages as the write nodes send them (streams, dropped entries,
// legacy text labels) and the malformed ones a read node must refuse; PeerTailTarget's encoding.
#include <catch.hpp>

#include "store/cluster/peer_tail.h"
#include "store/cluster/tail_frame.h"

namespace skald::cluster {
namespace {

TEST_CASE("tail frame: streams with values and dropped entries") {
  auto f = ParseTailFrame(
      R"({"streams":[{"stream":{"app":"a","level":"info"},"values":[["10","one"],["11","two\nlines",{"trace":"x"}]]},)"
      R"({"stream":{"app":"b"},"values":[]}],)"
      R"("dropped_entries":[{"timestamp":"9","labels":{"app":"a"}},{"timestamp":"8","labels":"{app=\"c\"}"}]})");
  REQUIRE(f.ok());
  REQUIRE(f->streams.size() == 2);
  CHECK(f->streams[0].first.ToString() == R"({app="a", level="info"})");
  REQUIRE(f->streams[0].second.size() == 2);
  CHECK(f->streams[0].second[0].ts_ns == 10);
  CHECK(f->streams[0].second[1].line == "two\nlines");
  CHECK(f->streams[1].second.empty());
  REQUIRE(f->dropped.size() == 2);
  CHECK(f->dropped[0].first == 9);
  CHECK(f->dropped[1].second.ToString() == R"({app="c"})");
}

TEST_CASE("tail frame: an empty message and one without dropped entries") {
  auto f = ParseTailFrame(R"({"streams":[]})");
  REQUIRE(f.ok());
  CHECK(f->streams.empty());
  CHECK(f->dropped.empty());
}

TEST_CASE("tail frame: malformed messages are errors") {
  for (const char* bad : {
           "not json",
           R"({"streams":[{"values":[]}]})",                          // no stream labels
           R"({"streams":[{"stream":{"a":"b"},"values":[["x","l"]]}]})",   // bad timestamp
           R"({"streams":[{"stream":{"a":"b"},"values":[[10,"l"]]}]})",    // timestamp not a string
           R"({"streams":[{"stream":{"a":"b"},"values":[["10"]]}]})",      // no line
           R"({"streams":[{"stream":{"a":1},"values":[]}]})",              // label value not a string
           R"({"dropped_entries":[{"timestamp":"1"}]})",                   // no labels
       }) {
    INFO(bad);
    CHECK_FALSE(ParseTailFrame(bad).ok());
  }
}

TEST_CASE("peer tail target: the query is percent-encoded") {
  CHECK(PeerTailTarget(R"({app="a b"} |= "x&y")", 123, 50) ==
        "/loki/api/v1/tail?query=%7Bapp%3D%22a%20b%22%7D%20%7C%3D%20%22x%26y%22&start=123&limit=50");
}

}  // namespace
}  // namespace skald::cluster
