// The internal routes over a socket: paging across entries that share a timestamp (both
// directions), exact label sets, the node's limits, tenants, and the series answer.
#include <catch.hpp>

#include <fmt/format.h>
#include <httplib.h>

#include <chrono>
#include <thread>

#include "store/auth/route_scopes.h"
#include "store/cluster/frame_format.h"
#include "store/cluster/peer_entry_iterator.h"
#include "store/cluster/peer_routes.h"
#include "tests/route_server.h"
#include "tests/store/query/fake_store_reader.h"

namespace skald::cluster {
namespace {

LabelSet L(const char* text) { return *LabelSet::Parse(text); }

struct Node {
  testing::FakeStoreReader data;
  testing::RouteServer server;
  metrics::Registry registry;
  PeerMetrics metrics{registry};
  explicit Node(LimitsConfig limits = {}) {
    RegisterPeerRoutes(server.router(), {&data, limits, true, [] { return int64_t{1'000'000}; }});
    server.Start();
  }
  std::shared_ptr<PeerClient> Client() {
    Peer p{"w1", fmt::format("http://127.0.0.1:{}", server.port()), ""};
    return std::make_shared<PeerClient>(p, PeerClientOptions{}, &metrics);
  }
};

std::vector<std::string> Drain(EntryIterator& it) {
  std::vector<std::string> out;
  while (it.Next()) out.push_back(fmt::format("{}:{}", it.At().ts_ns, it.At().line));
  return out;
}

TEST_CASE("paging resumes exactly, also inside a run of equal timestamps") {
  Node n;
  std::vector<LogEntry> es;
  for (int i = 0; i < 7; i++) es.push_back({10, fmt::format("same{}", i), {}});
  for (int i = 0; i < 3; i++) es.push_back({20 + i, fmt::format("next{}", i), {}});
  es.push_back({30, "md", {{"trace", "x"}}});
  n.data.Push("t1", L(R"({app="a"})"), es);
  n.data.Push("t1", L(R"({app="a", extra="y"})"), {{15, "other stream", {}}});
  std::vector<std::string> want;
  for (const auto& e : es) want.push_back(fmt::format("{}:{}", e.ts_ns, e.line));
  for (uint64_t page : {uint64_t{1}, uint64_t{2}, uint64_t{3}, uint64_t{5000}}) {
    INFO("page " << page);
    PeerEntryIterator fwd(n.Client(), {"t1", L(R"({app="a"})"), 0, 100, Direction::kForward, false, page});
    CHECK(Drain(fwd) == want);
    CHECK(fwd.status().ok());
    PeerEntryIterator bwd(n.Client(), {"t1", L(R"({app="a"})"), 0, 100, Direction::kBackward, false, page});
    auto got = Drain(bwd);
    CHECK(bwd.status().ok());
    std::vector<std::string> rev(want.rbegin(), want.rend());
    // equal timestamps come back in the order the node gives them backward
    std::sort(got.begin(), got.end());
    std::sort(rev.begin(), rev.end());
    CHECK(got == rev);
  }
  PeerEntryIterator other(n.Client(), {"t2", L(R"({app="a"})"), 0, 100, Direction::kForward, false, 10});
  CHECK(Drain(other).empty());   // another tenant sees nothing
}

TEST_CASE("the node's limits end the answer with an error the reader reports") {
  LimitsConfig limits;
  limits.max_querier_bytes_read = 10;
  limits.max_query_series = 1;
  Node n(limits);
  n.data.Push("t1", L(R"({app="a"})"), {{1, "0123456789", {}}, {2, "0123456789", {}}, {3, "x", {}}});
  n.data.Push("t1", L(R"({app="b"})"), {{1, "b", {}}});
  PeerEntryIterator it(n.Client(), {"t1", L(R"({app="a"})"), 0, 100, Direction::kForward, false, 100});
  Drain(it);
  CHECK(it.status().code() == Code::kInvalidArgument);
  CHECK(it.status().message().find("query too large") != std::string::npos);
  CHECK(it.status().message().find("w1") != std::string::npos);

  httplib::Client cli("127.0.0.1", n.server.port());
  auto many = cli.Get(std::string(kEntriesPath) + "?query=%7Bapp%3D~%22.%2B%22%7D&start=0&end=100",
                      {{"X-Scope-OrgID", "t1"}});
  REQUIRE(many);
  CHECK(many->status == 400);
  CHECK(many->body.find("maximum number of series (1)") != std::string::npos);
  auto no_tenant = cli.Get(std::string(kEntriesPath) + "?query=%7Bapp%3D%22a%22%7D");
  REQUIRE(no_tenant);
  CHECK(no_tenant->status == 401);
  auto bad = cli.Get(std::string(kEntriesPath) + "?query=app", {{"X-Scope-OrgID", "t1"}});
  REQUIRE(bad);
  CHECK(bad->status == 400);
}

struct Series : FrameHandler {
  std::vector<std::string> got;
  bool OnStream(LabelSet ls) override { got.push_back(ls.ToString()); return true; }
  bool OnEntry(LogEntry) override { FAIL("series answers carry no entries"); return false; }
  void OnEnd(bool) override {}
  void OnError(int, std::string) override {}
};

TEST_CASE("series lists label sets in range, sorted, an empty selector meaning all") {
  Node n;
  n.data.Push("t1", L(R"({app="b"})"), {{50, "x", {}}});
  n.data.Push("t1", L(R"({app="a", env="dev"})"), {{60, "y", {}}});
  n.data.Push("t1", L(R"({app="c"})"), {{500, "late", {}}});
  Series all;
  REQUIRE(n.Client()->Get("series", kSeriesPath, {{"start", "0"}, {"end", "100"}}, "t1", &all).ok());
  CHECK(all.got == std::vector<std::string>{R"({app="a", env="dev"})", R"({app="b"})"});
  Series some;
  REQUIRE(n.Client()->Get("series", kSeriesPath, {{"query", R"({env="dev"})"}, {"start", "0"}, {"end", "1000"}}, "t1", &some).ok());
  CHECK(some.got == std::vector<std::string>{R"({app="a", env="dev"})"});
}

}  // namespace
}  // namespace skald::cluster

namespace skald::cluster {
namespace {

TEST_CASE("with skald_auth the internal routes need the read scope, like every query") {
  for (const char* path : {kEntriesPath, kSeriesPath}) {
    auth::RouteRule r = auth::RequiredScope("GET", path, false);
    CHECK_FALSE(r.open);
    CHECK(r.scope == auth::kScopeRead);
  }
  CHECK(auth::RequiredScope("GET", "/skald/api/v1/export", false).scope == auth::kScopeAdmin);
}

}  // namespace
}  // namespace skald::cluster

namespace skald::cluster {
namespace {

TEST_CASE("a write node that does not answer within peer_timeout is a timeout naming it") {
  testing::RouteServer slow;
  slow.router().Get(kEntriesPath, [](const http::Request&, http::Response& res) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    res.status = 200;
  });
  const int port = slow.Start();
  metrics::Registry registry;
  PeerMetrics m(registry);
  Peer p{"slow-node", fmt::format("http://127.0.0.1:{}", port), ""};
  auto c = std::make_shared<PeerClient>(p, PeerClientOptions{300'000'000, {}, {}}, &m);
  const auto t0 = std::chrono::steady_clock::now();
  PeerEntryIterator it(c, {"t1", *LabelSet::Parse(R"({a="1"})"), 0, 100, Direction::kForward, false, 10});
  CHECK_FALSE(it.Next());
  CHECK(it.status().code() == Code::kTimeout);
  CHECK(it.status().message().find("slow-node") != std::string::npos);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(1400));
  CHECK(registry.Expose().find(R"(skald_cluster_peer_failures_total{node="slow-node",reason="timeout"} 1)") !=
        std::string::npos);
  // tolerated: the stream just ends
  PeerEntryIterator tolerant(c, {"t1", *LabelSet::Parse(R"({a="1"})"), 0, 100, Direction::kForward, true, 10});
  CHECK_FALSE(tolerant.Next());
  CHECK(tolerant.status().ok());
}

}  // namespace
}  // namespace skald::cluster
