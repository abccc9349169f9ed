// Live tail through a read node (issue #22): a WebSocket client tails a node with
// skald_cluster.write_nodes and sees lines pushed to either write node within 2 s, each once; a
// write node killed with SIGKILL does not end the tail and its lines come again once it is back;
// the client going away closes the read node's tails on the write nodes. Every node lists the
// write nodes (as configs/skald-scalable.yaml) and the reader lists itself too: one client tail is
// exactly one tail on each write node (no recursion) and none on the reader itself.
#include <catch.hpp>
#include <httplib.h>
#include <fcntl.h>
#include <signal.h>
#include <simdjson.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/object_store_mode.h"
#include "tests/e2e/process.h"
#include "tests/e2e/store_under_test.h"
#include "tests/s3_server.h"
#include "tests/test_support.h"

using namespace skald;
using namespace skald::e2e;
using skald::test_support::WaitFor;

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

// A Beast WebSocket client that collects every text frame on its own thread (answering pings).
class TailClient {
 public:
  TailClient(int port, const std::string& target) : ws_(io_) {
    asio::ip::tcp::resolver r(io_);
    asio::connect(ws_.next_layer(), r.resolve("127.0.0.1", std::to_string(port)));
    // A store restarted by the test is forked from this process: it must not inherit the socket
    // (it would keep the connection open after Disconnect).
    ::fcntl(ws_.next_layer().native_handle(), F_SETFD, FD_CLOEXEC);
    ws_.handshake(fmt::format("127.0.0.1:{}", port), target);
    Read();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~TailClient() {
    Disconnect();
    thread_.join();
  }
  // Drops the connection without a close frame, as a browser tab that goes away.
  void Disconnect() {
    asio::post(io_, [this] {
      beast::error_code ignore;
      ws_.next_layer().shutdown(asio::ip::tcp::socket::shutdown_both, ignore);
      ws_.next_layer().close(ignore);
    });
  }
  // How often each line arrived, over every frame so far.
  std::map<std::string, int> Lines() {
    std::lock_guard l(mu_);
    std::map<std::string, int> out;
    simdjson::dom::parser parser;
    for (const auto& f : frames_) {
      simdjson::dom::element doc = parser.parse(f);
      for (auto s : doc["streams"].get_array())
        for (auto v : s["values"].get_array()) out[std::string(v.at(1).get_string().value())]++;
    }
    return out;
  }
  bool Has(const std::string& line) { return Lines().count(line) > 0; }
  bool closed() {
    std::lock_guard l(mu_);
    return closed_;
  }
  std::string close_reason() {
    std::lock_guard l(mu_);
    return reason_;
  }

 private:
  void Read() {
    ws_.async_read(buf_, [this](beast::error_code ec, size_t) {
      std::lock_guard l(mu_);
      if (ec) {
        closed_ = true;
        reason_ = ec.message() + " " + std::string(ws_.reason().reason.data(), ws_.reason().reason.size());
        return;
      }
      frames_.push_back(beast::buffers_to_string(buf_.data()));
      buf_.consume(buf_.size());
      Read();
    });
  }

  asio::io_context io_;
  websocket::stream<asio::ip::tcp::socket> ws_;
  beast::flat_buffer buf_;
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> frames_;   // guarded by mu_
  bool closed_ = false;               // guarded by mu_
  std::string reason_;                // guarded by mu_
};

void Push(const StoreUnderTest& s, const std::string& labels_json, int64_t ts, const std::string& line) {
  httplib::Client cli("127.0.0.1", s.port());
  const std::string body = fmt::format(R"({{"streams":[{{"stream":{},"values":[["{}","{}"]]}}]}})", labels_json, ts, line);
  auto res = cli.Post("/loki/api/v1/push", body, "application/json");
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 204);
}

std::string LogTail(const std::string& path) {
  std::ifstream in(path);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return all.size() > 3000 ? all.substr(all.size() - 3000) : all;
}

double ActiveTails(const StoreUnderTest& s) { return MetricValue(s.port(), "skald_query_active_tails"); }

// Pushes `line` and REQUIREs the client to see it within 2 s.
void ExpectWithin2s(TailClient& c, const StoreUnderTest& to, const std::string& node, const std::string& line) {
  const auto t0 = std::chrono::steady_clock::now();
  Push(to, fmt::format(R"({{"job":"tail","node":"{}"}})", node), NowNs(), line);
  INFO(line);
  REQUIRE(WaitFor([&] { return c.Has(line); }, std::chrono::seconds(2), std::chrono::milliseconds(10)));
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  UNSCOPED_INFO(line << " arrived after " << ms.count() << " ms");
}

// The scenario on a started cluster: `reader` fans out to w1 and w2.
void TailScenario(StoreUnderTest& w1, StoreUnderTest& w2, StoreUnderTest& reader) {
  {
    TailClient c(reader.port(), fmt::format("/loki/api/v1/tail?query=%7Bjob%3D%22tail%22%7D&start={}", NowNs()));
    REQUIRE(WaitFor([&] { return ActiveTails(w1) == 1 && ActiveTails(w2) == 1; }));
    CHECK(WaitFor([&] { return MetricValue(reader.port(), "skald_cluster_peer_tails") == 2; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));   // a recursion would have grown by now
    CHECK(ActiveTails(w1) == 1);
    CHECK(ActiveTails(w2) == 1);
    CHECK(ActiveTails(reader) == 1);   // the client's; the reader's tail on itself was refused (508)
    CHECK(MetricValue(w1.port(), "skald_cluster_peer_tails") == 0);   // the write nodes do not fan out
    CHECK(MetricValue(w2.port(), "skald_cluster_peer_tails") == 0);
    CHECK(MetricValue(reader.port(), "skald_cluster_peer_tails") == 2);

    ExpectWithin2s(c, w1, "w1", "w1 first");
    ExpectWithin2s(c, w2, "w2", "w2 first");
    // the same entry pushed to both write nodes (a collector with two clients): sent once
    const int64_t ts = NowNs();
    Push(w1, R"({"job":"tail","node":"both"})", ts, "on both");
    Push(w2, R"({"job":"tail","node":"both"})", ts, "on both");
    REQUIRE(WaitFor([&] { return c.Has("on both"); }, std::chrono::seconds(2), std::chrono::milliseconds(10)));
    Push(w2, R"({"job":"other"})", NowNs(), "not tailed");

    // w1 crashes: the tail goes on with w2
    w1.Kill(SIGKILL);
    w1.Wait();
    ExpectWithin2s(c, w2, "w2", "w2 while w1 is down");
    std::this_thread::sleep_for(std::chrono::seconds(4));   // past peer_timeout (3 s)
    CHECK_FALSE(c.closed());
    ExpectWithin2s(c, w2, "w2", "w2 after peer_timeout");

    // w1 comes back on the same volume and port: the read node's tail on it reconnects
    REQUIRE(w1.Start());
    REQUIRE(WaitFor([&] { return ActiveTails(w1) == 1; }, std::chrono::seconds(10)));
    ExpectWithin2s(c, w1, "w1", "w1 after restart");
    ExpectWithin2s(c, w2, "w2", "w2 after restart");

    std::this_thread::sleep_for(std::chrono::milliseconds(500));   // late copies would be here by now
    auto lines = c.Lines();
    CHECK(lines == std::map<std::string, int>{{"w1 first", 1},
                                              {"w2 first", 1},
                                              {"on both", 1},
                                              {"w2 while w1 is down", 1},
                                              {"w2 after peer_timeout", 1},
                                              {"w1 after restart", 1},
                                              {"w2 after restart", 1}});
    CHECK_FALSE(c.closed());
    CHECK(MetricValue(reader.port(), "skald_query_active_tails") == 1);
    c.Disconnect();
  }
  // the client went away: the read node closes its tails on the write nodes
  INFO("read node's log (end):\n" << LogTail(reader.log()));
  CHECK(WaitFor([&] { return ActiveTails(w1) == 0 && ActiveTails(w2) == 0; }, std::chrono::seconds(5)));
  CHECK(WaitFor([&] { return MetricValue(reader.port(), "skald_cluster_peer_tails") == 0; }, std::chrono::seconds(5)));
  CHECK(MetricValue(reader.port(), "skald_query_active_tails") == 0);
}

// The write nodes, and `self` too when given (a node listed in its own write_nodes).
std::string ClusterYaml(const StoreUnderTest& w1, const StoreUnderTest& w2, const StoreUnderTest* self = nullptr) {
  return fmt::format("skald_cluster:\n  write_nodes: [{}, {}{}]\n  peer_timeout: 3s\n", w1.url(), w2.url(),
                     self ? ", " + self->url() : "");
}

}  // namespace

TEST_CASE("live tail through a node with write_nodes: both write nodes, once each, through a kill -9", "[e2e]") {
  TempDir dir("skald-cluster-tail");
  StoreUnderTest w1(dir.path(), "w1"), w2(dir.path(), "w2"), reader(dir.path(), "reader");
  w1.Configure(dir.path() + "/w1", false, ClusterYaml(w1, w2));
  w2.Configure(dir.path() + "/w2", false, ClusterYaml(w1, w2));
  reader.Configure(dir.path() + "/reader", false, ClusterYaml(w1, w2, &reader));
  REQUIRE(w1.Start());
  REQUIRE(w2.Start());
  REQUIRE(reader.Start());
  TailScenario(w1, w2, reader);
}

TEST_CASE("live tail through a -target=read node over a bucket follows the -target=write nodes", "[e2e][s3]") {
  auto& s3 = testing::TestS3Server::Get();
  if (!s3.Available()) return;
  const std::string bucket_yaml = BucketYaml(s3, s3.NewBucket("skald-tail"));
  TempDir dir("skald-cluster-tail-s3");
  StoreUnderTest w1(dir.path(), "w1"), w2(dir.path(), "w2"), reader(dir.path(), "r1");
  w1.Configure(dir.path() + "/w1", false, NodeYaml("write", "w1", bucket_yaml, {w1.url(), w2.url()}));
  w2.Configure(dir.path() + "/w2", false, NodeYaml("write", "w2", bucket_yaml, {w1.url(), w2.url()}));
  reader.Configure(dir.path() + "/r1", false,
                   "target: read\n" + ClusterYaml(w1, w2, &reader) + "  node_id: r1\n" + bucket_yaml);
  REQUIRE(w1.Start());
  REQUIRE(w2.Start());
  REQUIRE(reader.Start());
  TailScenario(w1, w2, reader);
}

