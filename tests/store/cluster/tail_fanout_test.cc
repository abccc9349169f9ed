// TailFanout against real write-node tail routes on real sockets: entries from every write node,
// the tenant header, closing the write nodes' tails when released, a write node that goes away,
// the end of a tail when none answers (unless tolerate_unavailable_write_nodes), a write node that
// refuses after the upgrade (bounded retries), and a write node that is this node.
#include <catch.hpp>

#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>

#include "store/api/tail_handler.h"
#include "common/http/http_server.h"
#include "store/cluster/tail_fanout.h"
#include "tests/route_server.h"
#include "tests/store/query/fake_store_reader.h"
#include "tests/test_certs.h"
#include "tests/test_support.h"

namespace skald::cluster {
namespace {

using test_support::WaitFor;
constexpr int64_t kSec = 1000000000LL;
const std::string kTenant = "t1";

LabelSet L(const char* text) { return *LabelSet::Parse(text); }

// A write node: the real tail route over an in-memory store (auth on: the tenant header counts).
struct WriteNode {
  testing::FakeStoreReader data;
  testing::RouteServer server;
  explicit WriteNode(int max_tails = 0) {
    api::QueryDeps deps;
    deps.reader = &data;
    deps.auth_enabled = true;
    deps.limits.max_concurrent_tail_requests = max_tails;
    deps.now_ns = [] { return 100 * kSec; };
    api::RegisterTailRoute(server.router(), deps);
    server.Start();
  }
  std::string url() const { return fmt::format("http://127.0.0.1:{}", server.port()); }
  void Push(const char* labels, int64_t ts, const char* line) { data.Push(kTenant, L(labels), {{ts, line, {}}}); }
};

// What the fan-out hands to the tail session.
struct Sink {
  std::mutex mu;
  std::vector<std::string> entries;   // "<labels> <ts> <line>"
  std::string fail;
  api::LiveTailCallbacks Callbacks() {
    api::LiveTailCallbacks cb;
    cb.entry = [this](uint64_t, LabelSet ls, int64_t ts, std::string line) {
      std::lock_guard l(mu);
      entries.push_back(fmt::format("{} {} {}", ls.ToString(), ts, line));
    };
    cb.dropped = [](int64_t, LabelSet) {};
    cb.fail = [this](std::string reason) {
      std::lock_guard l(mu);
      fail = reason;
    };
    return cb;
  }
  size_t count() {
    std::lock_guard l(mu);
    return entries.size();
  }
  std::string failed() {
    std::lock_guard l(mu);
    return fail;
  }
};

PeerSet Peers(const std::vector<std::string>& urls) {
  std::vector<NodeSpec> specs;
  for (const auto& u : urls) specs.push_back(*ParseNodeSpec(u));
  return PeerSet(specs, false, 30 * kSec);
}

TailFanoutOptions Options(metrics::Registry* r, bool tolerate, int64_t timeout_ns = 2 * kSec) {
  TailFanoutOptions o;
  o.cluster.peer_timeout_ns = timeout_ns;
  o.cluster.tolerate_unavailable_write_nodes = tolerate;
  o.registry = r;
  o.backoff_min_ns = 20'000'000;
  o.backoff_max_ns = 200'000'000;
  o.peer_tail_id = "test-reader";   // the write nodes run in this process: not api::PeerTailId()
  return o;
}

double Failures(metrics::Registry& r, const std::string& node) {
  return r.NewCounterVec("skald_cluster_peer_tail_failures_total", "", {"node"}).WithLabelValues({node}).Value();
}

// A port nothing listens on.
int ClosedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t n = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n);
  ::close(fd);
  return ntohs(a.sin_port);
}

TEST_CASE("tail fan-out: entries pushed to either write node arrive, and releasing closes the write nodes' tails") {
  WriteNode w1, w2;
  w1.Push(R"({app="a"})", 50 * kSec, "before the tail");   // older than start: not sent
  metrics::Registry reg;
  PeerSet peers = Peers({w1.url(), w2.url()});
  TailFanout fan(&peers, Options(&reg, false));
  Sink sink;
  auto handle = fan.OpenTail({kTenant, R"({app="a"} != "skip")", 99 * kSec, 100}, sink.Callbacks());
  REQUIRE(WaitFor([&] { return w1.data.subscribers() == 1 && w2.data.subscribers() == 1; }));
  REQUIRE(WaitFor([&] { return reg.NewGauge("skald_cluster_peer_tails", "").Value() == 2; }));
  w1.Push(R"({app="a"})", 101 * kSec, "from w1");
  w2.Push(R"({app="a"})", 102 * kSec, "from w2");
  w2.Push(R"({app="a"})", 103 * kSec, "skip this");   // the write node applies the query's filter
  w2.Push(R"({app="b"})", 104 * kSec, "other stream");
  REQUIRE(WaitFor([&] { return sink.count() >= 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  {
    std::lock_guard l(sink.mu);
    std::sort(sink.entries.begin(), sink.entries.end());
    CHECK(sink.entries == std::vector<std::string>{R"({app="a"} 101000000000 from w1)",
                                                   R"({app="a"} 102000000000 from w2)"});
  }
  handle.reset();
  CHECK(WaitFor([&] { return w1.data.subscribers() == 0 && w2.data.subscribers() == 0; }));
  CHECK(WaitFor([&] { return reg.NewGauge("skald_cluster_peer_tails", "").Value() == 0; }));
  CHECK(sink.failed().empty());
}

TEST_CASE("tail fan-out: a write node that goes away is retried while the other one goes on") {
  auto w1 = std::make_unique<WriteNode>();
  WriteNode w2;
  const std::string w1_url = w1->url();
  metrics::Registry reg;
  PeerSet peers = Peers({w1_url, w2.url()});
  TailFanout fan(&peers, Options(&reg, false));
  Sink sink;
  auto handle = fan.OpenTail({kTenant, R"({app="a"})", 99 * kSec, 100}, sink.Callbacks());
  REQUIRE(WaitFor([&] { return w1->data.subscribers() == 1 && w2.data.subscribers() == 1; }));
  w1->server.Stop();
  w1.reset();
  REQUIRE(WaitFor([&] { return Failures(reg, w1_url) >= 2; }));   // the break, then a failed retry
  w2.Push(R"({app="a"})", 101 * kSec, "still here");
  CHECK(WaitFor([&] { return sink.count() == 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));   // past peer_timeout: one answers
  CHECK(sink.failed().empty());
  CHECK(reg.NewGauge("skald_cluster_peer_tails", "").Value() == 1);
}

TEST_CASE("tail fan-out: when no write node answers the tail ends, unless that is tolerated") {
  const std::string down = fmt::format("http://127.0.0.1:{}", ClosedPort());
  metrics::Registry reg;
  PeerSet peers = Peers({down});
  SECTION("not tolerated: ends after peer_timeout, naming the node") {
    TailFanout fan(&peers, Options(&reg, false, 300'000'000));
    Sink sink;
    auto handle = fan.OpenTail({kTenant, R"({app="a"})", 0, 100}, sink.Callbacks());
    REQUIRE(WaitFor([&] { return !sink.failed().empty(); }, std::chrono::seconds(5)));
    CHECK(sink.failed().find(down) != std::string::npos);
    CHECK(reg.NewCounter("skald_cluster_tails_ended_unavailable_total", "").Value() == 1);
  }
  SECTION("tolerated: keeps retrying") {
    TailFanout fan(&peers, Options(&reg, true, 300'000'000));
    Sink sink;
    auto handle = fan.OpenTail({kTenant, R"({app="a"})", 0, 100}, sink.Callbacks());
    REQUIRE(WaitFor([&] { return Failures(reg, down) >= 3; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    CHECK(sink.failed().empty());
  }
}

// A write node over HTTPS that wants a bearer token (the skald_auth guard's job, played by a lambda).
struct SecureWriteNode {
  testing::FakeStoreReader data;
  metrics::Registry registry;
  std::unique_ptr<HttpServer> server;
  std::atomic<int> refused{0};
  explicit SecureWriteNode(const testing::TestCerts& certs) {
    HttpServerOptions o;
    o.address = "127.0.0.1";
    o.thread_count = 2;
    o.tls.cert_file = certs.server_cert;
    o.tls.key_file = certs.server_key;
    server = std::make_unique<HttpServer>(o, &registry);
    api::QueryDeps deps;
    deps.reader = &data;
    deps.auth_enabled = true;
    deps.now_ns = [] { return 100 * kSec; };
    api::RegisterTailRoute(server->router(), deps);
    server->router().SetGuard([this](const std::string&, const std::string&, const http::Request& req, http::Response& res) {
      if (req.get_header_value("Authorization") == "Bearer reader-token") return true;
      refused++;
      res.status = 401;
      return false;
    });
    REQUIRE(server->Start().ok());
  }
  std::string url() const { return fmt::format("https://127.0.0.1:{}", server->port()); }
};

TEST_CASE("tail fan-out: wss to a write node with the peer bearer token, the CA checked") {
  test_support::ScratchDir dir("skald-tail-tls");
  auto certs = testing::MakeTestCerts(dir.path + "/certs");
  SecureWriteNode w(certs);
  metrics::Registry reg;
  PeerSet peers = Peers({w.url()});
  SECTION("trusted CA and the right token: entries arrive") {
    TailFanoutOptions o = Options(&reg, false);
    o.cluster.tls.ca_file = certs.ca;
    o.creds.bearer_token = "reader-token";
    TailFanout fan(&peers, o);
    Sink sink;
    auto handle = fan.OpenTail({kTenant, R"({app="a"})", 99 * kSec, 100}, sink.Callbacks());
    REQUIRE(WaitFor([&] { return w.data.subscribers() == 1; }));
    w.data.Push(kTenant, L(R"({app="a"})"), {{101 * kSec, "over tls", {}}});
    REQUIRE(WaitFor([&] { return sink.count() == 1; }));
    CHECK(w.refused == 0);
  }
  SECTION("a wrong token is refused and retried, never tailed") {
    TailFanoutOptions o = Options(&reg, true);
    o.cluster.tls.ca_file = certs.ca;
    o.creds.bearer_token = "push-token";
    TailFanout fan(&peers, o);
    Sink sink;
    auto handle = fan.OpenTail({kTenant, R"({app="a"})", 99 * kSec, 100}, sink.Callbacks());
    REQUIRE(WaitFor([&] { return w.refused >= 2; }));
    CHECK(w.data.subscribers() == 0);
  }
  SECTION("a server certificate from an unknown CA is not trusted") {
    TailFanoutOptions o = Options(&reg, true);
    o.cluster.tls.ca_file = certs.other_ca;
    o.creds.bearer_token = "reader-token";
    TailFanout fan(&peers, o);
    Sink sink;
    auto handle = fan.OpenTail({kTenant, R"({app="a"})", 99 * kSec, 100}, sink.Callbacks());
    REQUIRE(WaitFor([&] { return Failures(reg, w.url()) >= 2; }));
    CHECK(w.data.subscribers() == 0);
    CHECK(w.refused == 0);   // never got as far as the request
  }
}

// A write node refuses a tail only after the upgrade (max_concurrent_tail_requests, or its history
// query failing): that is a failed attempt, so the backoff grows instead of restarting at 100 ms.
TEST_CASE("tail fan-out: a write node refusing after the upgrade is retried with growing backoff") {
  WriteNode w(1);
  metrics::Registry reg_busy;
  PeerSet peers = Peers({w.url()});
  TailFanout first(&peers, Options(&reg_busy, true));
  Sink s1;
  auto busy = first.OpenTail({kTenant, R"({app="a"})", 99 * kSec, 100}, s1.Callbacks());   // takes the 1 slot
  REQUIRE(WaitFor([&] { return w.data.subscribers() == 1; }));
  auto& rejected = metrics::Registry::Default().NewCounter("skald_query_tail_rejected_total", "");
  metrics::Registry reg;
  SECTION("tolerated: a few attempts in 3 s, never counted as up") {
    TailFanoutOptions o = Options(&reg, true);
    o.backoff_min_ns = 100'000'000;
    o.backoff_max_ns = 1'000'000'000;
    TailFanout fan(&peers, o);
    Sink sink;
    const double before = rejected.Value();
    auto handle = fan.OpenTail({kTenant, R"({app="a"})", 99 * kSec, 100}, sink.Callbacks());
    std::this_thread::sleep_for(std::chrono::seconds(3));
    const double attempts = rejected.Value() - before;
    INFO("refused attempts in 3 s: " << attempts);
    // 100 ms doubling to 1 s: 6 measured (jittered); resetting the backoff at each upgrade made 18
    CHECK(attempts >= 2);
    CHECK(attempts <= 9);
    CHECK(Failures(reg, w.url()) == attempts);
    CHECK(reg.NewGauge("skald_cluster_peer_tails", "").Value() == 0);
    CHECK(sink.failed().empty());
  }
  SECTION("not tolerated: the watchdog ends the tail, naming the refusal") {
    TailFanout fan(&peers, Options(&reg, false, 1 * kSec));
    Sink sink;
    auto handle = fan.OpenTail({kTenant, R"({app="a"})", 99 * kSec, 100}, sink.Callbacks());
    REQUIRE(WaitFor([&] { return !sink.failed().empty(); }, std::chrono::seconds(5)));
    CHECK(sink.failed().find("max concurrent tail requests") != std::string::npos);
    CHECK(reg.NewCounter("skald_cluster_tails_ended_unavailable_total", "").Value() == 1);
  }
  CHECK(w.data.subscribers() == 1);   // the busy one
}

TEST_CASE("tail fan-out: a write node that is this node is left out, not retried, and never ends the tail") {
  WriteNode self_node;
  metrics::Registry reg;
  TailFanoutOptions o = Options(&reg, false, 500'000'000);
  o.peer_tail_id = api::PeerTailId();   // what the write node (this process) calls itself
  SECTION("alone: the tail goes on with the local feed") {
    PeerSet peers = Peers({self_node.url()});
    TailFanout fan(&peers, o);
    Sink sink;
    auto handle = fan.OpenTail({kTenant, R"({app="a"})", 99 * kSec, 100}, sink.Callbacks());
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));   // past peer_timeout
    CHECK(self_node.data.subscribers() == 0);
    CHECK(Failures(reg, self_node.url()) == 0);   // refused once (508), never retried
    CHECK(sink.failed().empty());
  }
  SECTION("beside a write node that is down: that one still ends the tail") {
    const std::string down = fmt::format("http://127.0.0.1:{}", ClosedPort());
    PeerSet peers = Peers({self_node.url(), down});
    TailFanout fan(&peers, o);
    Sink sink;
    auto handle = fan.OpenTail({kTenant, R"({app="a"})", 99 * kSec, 100}, sink.Callbacks());
    REQUIRE(WaitFor([&] { return !sink.failed().empty(); }, std::chrono::seconds(5)));
    CHECK(sink.failed().find(down) != std::string::npos);
    CHECK(Failures(reg, self_node.url()) == 0);
  }
}

TEST_CASE("tail fan-out: the fan-out going stops every tail before its destructor returns") {
  WriteNode w;
  metrics::Registry reg;
  PeerSet peers = Peers({w.url()});
  auto fan = std::make_unique<TailFanout>(&peers, Options(&reg, false));
  Sink sink;
  auto handle = fan->OpenTail({kTenant, R"({app="a"})", 99 * kSec, 100}, sink.Callbacks());
  REQUIRE(WaitFor([&] { return reg.NewGauge("skald_cluster_peer_tails", "").Value() == 1; }));
  // the fan-out goes first (shutdown): its tails stop before the destructor returns
  fan.reset();
  CHECK(reg.NewGauge("skald_cluster_peer_tails", "").Value() == 0);
  CHECK(WaitFor([&] { return w.data.subscribers() == 0; }));
  handle.reset();   // a group already stopped: nothing happens
  w.Push(R"({app="a"})", 101 * kSec, "after");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(sink.count() == 0);
}

}  // namespace
}  // namespace skald::cluster
