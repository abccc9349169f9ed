// Write node lists: parsing, static URLs, and dns+ names resolved (for real: localhost) and
// re-resolved after the refresh period, keeping the last addresses when a lookup fails.
#include <catch.hpp>

#include "store/cluster/peer_set.h"

namespace skald::cluster {
namespace {

TEST_CASE("node specs parse") {
  auto a = ParseNodeSpec("http://w1:3100");
  REQUIRE(a.ok());
  CHECK((!a->dns && !a->https && a->host == "w1" && a->port == 3100));
  auto b = ParseNodeSpec("https://[::1]:8443/");
  REQUIRE(b.ok());
  CHECK((b->https && b->host == "::1" && b->port == 8443));
  auto c = ParseNodeSpec("dns+writers.default.svc:3100");
  REQUIRE(c.ok());
  CHECK((c->dns && c->host == "writers.default.svc" && c->port == 3100));
  for (const char* bad : {"w1:3100", "http://w1", "http://:3100", "dns+w1:0", "http://w1:3100/x", "http://[::1:3100"}) {
    INFO(bad);
    CHECK_FALSE(ParseNodeSpec(bad).ok());
  }
}

TEST_CASE("dns+localhost:port resolves to the loopback address") {
  auto spec = ParseNodeSpec("dns+localhost:3100");
  REQUIRE(spec.ok());
  PeerSet set({*spec, *ParseNodeSpec("http://w9:9")}, false, 30LL * 1000000000LL);
  auto peers = set.Current();
  REQUIRE(peers.size() == 2);
  CHECK(peers[0].node == "dns+localhost:3100");
  CHECK(peers[0].base_url == "http://127.0.0.1:3100");
  CHECK(peers[0].error.empty());
  CHECK(peers[1].base_url == "http://w9:9");
}

TEST_CASE("dns+ names re-resolve after the refresh period and keep the last good answer") {
  int64_t now = 0;
  int lookups = 0;
  std::vector<std::string> answer = {"10.0.0.1", "10.0.0.2"};
  bool fail = false;
  Resolver r = [&](const std::string& host) -> Result<std::vector<std::string>> {
    lookups++;
    CHECK(host == "writers");
    if (fail) return Status::Unavailable("no such host");
    return answer;
  };
  PeerSet set({*ParseNodeSpec("dns+writers:3100")}, true, 30, r, [&] { return now; });
  auto p = set.Current();
  REQUIRE(p.size() == 2);
  CHECK(p[0].base_url == "https://10.0.0.1:3100");
  CHECK(p[1].base_url == "https://10.0.0.2:3100");
  now = 29;
  answer = {"10.0.0.3"};
  CHECK(set.Current().size() == 2);   // not yet stale
  CHECK(lookups == 1);
  now = 30;
  p = set.Current();
  REQUIRE(p.size() == 1);
  CHECK(p[0].base_url == "https://10.0.0.3:3100");
  fail = true;
  now = 100;
  p = set.Current();                  // lookup fails: last addresses kept
  REQUIRE(p.size() == 1);
  CHECK(p[0].base_url == "https://10.0.0.3:3100");
  CHECK(lookups == 3);
}

TEST_CASE("a dns+ name never resolved is an unavailable peer, not silence") {
  Resolver r = [](const std::string&) -> Result<std::vector<std::string>> { return Status::Unavailable("nxdomain"); };
  PeerSet set({*ParseNodeSpec("dns+nowhere:1")}, false, 30, r, [] { return int64_t{0}; });
  auto p = set.Current();
  REQUIRE(p.size() == 1);
  CHECK(p[0].base_url.empty());
  CHECK(p[0].error.find("nxdomain") != std::string::npos);
}

TEST_CASE("ResolveHost on a name that does not exist fails") {
  CHECK_FALSE(ResolveHost("no-such-host.invalid").ok());
}

}  // namespace
}  // namespace skald::cluster
