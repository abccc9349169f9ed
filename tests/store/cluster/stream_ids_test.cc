// Stream ids across the local store and write nodes: local ids kept, synthetic ids stable and
// distinct per tenant, records carrying which write nodes reported a stream.
#include <catch.hpp>

#include "store/cluster/stream_ids.h"

namespace skald::cluster {
namespace {

LabelSet L(const char* text) { return *LabelSet::Parse(text); }

TEST_CASE("stream ids: local ids kept, synthetic ids stable and mapped back") {
  StreamIds ids;
  CHECK(ids.AddLocal("t", L(R"({a="1"})"), 7) == 7);
  CHECK(ids.AddPeer("t", L(R"({a="1"})"), "http://w1") == 7);   // known locally: the local id
  const uint64_t s = ids.AddPeer("t", L(R"({a="2"})"), "http://w1");
  CHECK((s & kSyntheticIdBit) != 0);
  CHECK(ids.AddPeer("t", L(R"({a="2"})"), "http://w2") == s);
  const uint64_t other = ids.AddPeer("u", L(R"({a="2"})"), "http://w1");
  auto r = ids.Lookup("t", s);
  REQUIRE(r);
  CHECK(r->labels == L(R"({a="2"})"));
  CHECK_FALSE(r->local_id);
  CHECK(r->peers == std::set<std::string>{"http://w1", "http://w2"});
  auto l = ids.Lookup("t", 7);
  REQUIRE(l);
  CHECK(*l->local_id == 7);
  CHECK(l->peers == std::set<std::string>{"http://w1"});
  CHECK(other != s);
  CHECK_FALSE(ids.Lookup("t", other));   // ids are per tenant
  CHECK(ids.Lookup("u", other));
  CHECK_FALSE(ids.Lookup("t", 8));
  // the stream later shipped to the bucket: its old synthetic id still resolves, now with the local id
  ids.AddLocal("t", L(R"({a="2"})"), 9);
  auto moved = ids.Lookup("t", s);
  REQUIRE(moved);
  CHECK(*moved->local_id == 9);
  CHECK(ids.AddPeer("t", L(R"({a="2"})"), "http://w1") == 9);
}

}  // namespace
}  // namespace skald::cluster
