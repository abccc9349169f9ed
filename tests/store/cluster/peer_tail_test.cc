// PeerTail against a scripted write node on a real socket: a bad frame is a break (it reconnects),
// a reconnect resumes from the newest entry timestamp received (not the reader's clock), and the
// peer tail header is sent.
#include <catch.hpp>

#include <fmt/format.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <mutex>
#include <thread>

#include "common/http/websocket.h"
#include "store/api/live_tail_source.h"
#include "store/cluster/peer_tail.h"
#include "tests/route_server.h"
#include "tests/test_support.h"

namespace skald::cluster {
namespace {

using test_support::WaitFor;

// Each connection runs the script for its number (0, 1, ...) on the server's network thread.
struct ScriptedWriteNode {
  using Script = std::function<void(int n, http::WebSocketConn& conn)>;
  struct Handler : http::WebSocketHandler {
    Script script;
    int n;
    void OnOpen(std::shared_ptr<http::WebSocketConn> conn) override { script(n, *conn); }
    void OnClose() override {}
  };
  testing::RouteServer server;
  std::mutex mu;
  std::vector<std::string> starts, peer_headers;   // guarded by mu
  explicit ScriptedWriteNode(Script script) {
    server.router().Get("/loki/api/v1/tail", [this, script](const http::Request& req, http::Response& res) {
      auto h = std::make_shared<Handler>();
      h->script = script;
      std::lock_guard l(mu);
      h->n = static_cast<int>(starts.size());
      starts.push_back(req.get_param_value("start"));
      peer_headers.push_back(req.get_header_value(api::kPeerTailHeader));
      res.websocket = h;
    });
    server.Start();
  }
  size_t connections() {
    std::lock_guard l(mu);
    return starts.size();
  }
};

struct Io {
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{io.get_executor()};
  std::thread thread{[this] { io.run(); }};
  ~Io() {   // runs until the stopped tails' handlers are done (they close their sockets)
    work.reset();
    thread.join();
  }
};

struct Events {
  std::atomic<int> up{0}, down{0}, frames{0};
  std::mutex mu;
  std::vector<uint64_t> conns;   // guarded by mu
  PeerTailEvents Make() {
    PeerTailEvents ev;
    ev.up = [this] { up++; };
    ev.down = [this](const std::string&) { down++; };
    ev.frame = [this](uint64_t conn, TailFrame) {
      frames++;
      std::lock_guard l(mu);
      conns.push_back(conn);
    };
    return ev;
  }
};

PeerTailOptions Options(const ScriptedWriteNode& w) {
  PeerTailOptions o;
  o.peer.node = std::string("w");
  o.peer.base_url = fmt::format("http://127.0.0.1:{}", w.server.port());
  o.tenant = "t1";
  o.query = R"({app="a"})";
  o.start_ns = 7;
  o.backoff_min_ns = 10'000'000;
  o.backoff_max_ns = 50'000'000;
  o.peer_tail_id = "reader-1";
  return o;
}

constexpr const char* kFrame = R"({"streams":[{"stream":{"app":"a"},"values":[["5000000000000","x"]]}]})";

TEST_CASE("peer tail: a bad frame ends the connection and it reconnects") {
  ScriptedWriteNode w([](int n, http::WebSocketConn& conn) {
    conn.SendText(n == 0 ? "not json" : kFrame);
  });
  Io io;
  Events ev;
  auto t = StartPeerTail(io.io, Options(w), ev.Make());
  REQUIRE(WaitFor([&] { return w.connections() >= 2 && ev.frames >= 1; }, std::chrono::seconds(5)));
  CHECK(ev.down >= 1);
  CHECK(ev.up == 1);   // the bad frame's connection was never up
  {
    std::lock_guard l(w.mu);
    CHECK(w.peer_headers[0] == "reader-1");
  }
  t->Stop();
}

TEST_CASE("peer tail: a reconnect asks for the history since the newest entry received, less a second") {
  // The first connection sends one entry at 5000 s (far from any clock) and closes.
  ScriptedWriteNode w([](int n, http::WebSocketConn& conn) {
    if (n == 0) {
      conn.SendText(kFrame);
      conn.Close(1011, "going away");
    } else {
      conn.SendText(R"({"streams":[]})");
    }
  });
  Io io;
  Events ev;
  auto t = StartPeerTail(io.io, Options(w), ev.Make());
  REQUIRE(WaitFor([&] { return w.connections() >= 2 && ev.frames >= 2; }, std::chrono::seconds(5)));
  {
    std::lock_guard l(w.mu);
    CHECK(w.starts[0] == "7");                // the first: the tail's start
    CHECK(w.starts[1] == "4999000000000");    // then: the newest entry's timestamp − 1 s
  }
  {
    std::lock_guard l(ev.mu);
    REQUIRE(ev.conns.size() >= 2);
    CHECK(ev.conns[0] >= api::kFirstRemoteSource);
    CHECK(ev.conns[1] != ev.conns[0]);        // a new source for de-duplication
  }
  t->Stop();
}

TEST_CASE("peer tail: a connection open without frames counts as up after established_after") {
  ScriptedWriteNode w([](int, http::WebSocketConn&) {});   // accepts, says nothing (an older node)
  Io io;
  Events ev;
  PeerTailOptions o = Options(w);
  o.established_after_ns = 300'000'000;
  auto t = StartPeerTail(io.io, o, ev.Make());
  REQUIRE(WaitFor([&] { return w.connections() == 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(ev.up == 0);
  CHECK(WaitFor([&] { return ev.up == 1; }, std::chrono::seconds(2)));
  t->Stop();
}

}  // namespace
}  // namespace skald::cluster
