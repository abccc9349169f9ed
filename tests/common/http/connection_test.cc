// The event-driven server over raw sockets: idle and slow clients hold no worker, timeouts close
// them, a client that goes away cancels its request, the query queue answers 429 when full, the
// connection cap refuses, streamed bodies, HEAD, pipelining, 100-continue and WebSocket upgrade.
#include <catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "common/http/http_server.h"
#include "common/http/websocket.h"
#include "tests/test_support.h"

using namespace skald;
using namespace std::chrono_literals;
using test_support::WaitFor;

namespace {

// A blocking TCP client with a receive timeout.
class RawConn {
 public:
  explicit RawConn(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
  }
  ~RawConn() { Close(); }
  bool connected() const { return connected_; }
  bool Send(const std::string& s) { return ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL) == ssize_t(s.size()); }
  // Reads until `needle` is in what arrived, EOF, or `limit`.
  std::string ReadUntil(const std::string& needle, std::chrono::milliseconds limit = 5s) {
    auto end = std::chrono::steady_clock::now() + limit;
    while (buf_.find(needle) == std::string::npos && std::chrono::steady_clock::now() < end) {
      if (!Fill(50)) break;
    }
    return buf_;
  }
  // True when the server closed the connection within `limit`.
  bool ClosedWithin(std::chrono::milliseconds limit) {
    auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      char tmp[4096];
      ssize_t n = ::recv(fd_, tmp, sizeof(tmp), 0);
      if (n <= 0) return true;
      buf_.append(tmp, size_t(n));
    }
    return false;
  }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  std::string& buffer() { return buf_; }

 private:
  bool Fill(int ms) {
    pollfd p{fd_, POLLIN, 0};
    int r = ::poll(&p, 1, ms);
    if (r == 0) return true;
    if (r < 0) return false;
    char tmp[65536];
    ssize_t n = ::recv(fd_, tmp, sizeof(tmp), 0);
    if (n <= 0) return false;
    buf_.append(tmp, size_t(n));
    return true;
  }
  int fd_ = -1;
  bool connected_ = false;
  std::string buf_;
};

HttpServerOptions Opts() {
  HttpServerOptions o;
  o.address = "127.0.0.1";
  o.thread_count = 2;
  o.query_concurrency = 1;
  o.max_queued_queries = 2;
  return o;
}

const std::string kGetReady = "GET /ready HTTP/1.1\r\nHost: x\r\n\r\n";

double Metric(metrics::Registry& reg, const std::string& series) {
  std::string text = reg.Expose();
  size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

}  // namespace

TEST_CASE("idle keep-alive and slow-header clients hold no worker: /ready and a handler still answer") {
  metrics::Registry reg;
  HttpServer srv(Opts(), &reg);
  srv.router().Post("/echo", [](const http::Request& req, http::Response& res) { res.set_content(req.body, "text/plain"); });
  REQUIRE(srv.Start().ok());
  srv.SetReady(true);
  std::vector<std::unique_ptr<RawConn>> idle, slow;
  for (int i = 0; i < 200; ++i) {
    idle.push_back(std::make_unique<RawConn>(srv.port()));
    REQUIRE(idle.back()->Send(kGetReady));
  }
  for (auto& c : idle) REQUIRE(c->ReadUntil("ready\n").find("ready\n") != std::string::npos);
  for (int i = 0; i < 64; ++i) {
    slow.push_back(std::make_unique<RawConn>(srv.port()));
    REQUIRE(slow.back()->Send("POST /echo HTTP/1.1\r\nHost: x\r\nX-Slow: "));
  }
  REQUIRE(WaitFor([&] { return srv.open_connections() >= 264; }));
  auto t0 = std::chrono::steady_clock::now();
  CHECK(HttpGetStatus("127.0.0.1", srv.port(), "/ready", 2000) == 200);
  httplib::Client cli("127.0.0.1", srv.port());
  cli.set_read_timeout(2, 0);
  auto r = cli.Post("/echo", "hello", "text/plain");
  REQUIRE(r);
  CHECK(r->body == "hello");
  CHECK(std::chrono::steady_clock::now() - t0 < 2s);
  // Each idle connection still serves its next request.
  for (int i = 0; i < 200; i += 37) {
    idle[i]->buffer().clear();
    REQUIRE(idle[i]->Send(kGetReady));
    CHECK(idle[i]->ReadUntil("ready\n").find("HTTP/1.1 200") == 0);
  }
}

TEST_CASE("timeouts: a slow head is cut at the read timeout, an idle connection at the idle timeout") {
  metrics::Registry reg;
  HttpServerOptions o = Opts();
  o.read_timeout_ms = 300;
  o.idle_timeout_ms = 600;
  HttpServer srv(o, &reg);
  REQUIRE(srv.Start().ok());
  RawConn slow(srv.port());
  REQUIRE(slow.Send("GET /ready HTTP/1.1\r\n"));
  auto t0 = std::chrono::steady_clock::now();
  REQUIRE(slow.ClosedWithin(3s));
  CHECK(std::chrono::steady_clock::now() - t0 < 1500ms);
  RawConn idle(srv.port());
  REQUIRE(idle.Send(kGetReady));
  REQUIRE(idle.ReadUntil("\r\n\r\n").find("HTTP/1.1 503") == 0);
  t0 = std::chrono::steady_clock::now();
  REQUIRE(idle.ClosedWithin(5s));
  auto waited = std::chrono::steady_clock::now() - t0;
  CHECK(waited >= 450ms);  // idle_timeout, not read_timeout
  CHECK(waited < 2500ms);
  CHECK(Metric(reg, "skald_http_timeouts_total{phase=\"read\"}") >= 1);
  CHECK(Metric(reg, "skald_http_timeouts_total{phase=\"idle\"}") >= 1);
}

TEST_CASE("a client that goes away cancels its request - the write timeout cancels a slow handler") {
  metrics::Registry reg;
  HttpServerOptions o = Opts();
  o.write_timeout_ms = 800;
  HttpServer srv(o, &reg);
  std::atomic<int> cancelled{0};
  srv.router().Get("/slow", [&](const http::Request& req, http::Response& res) {
    auto end = std::chrono::steady_clock::now() + 10s;
    while (!req.cancelled() && std::chrono::steady_clock::now() < end) std::this_thread::sleep_for(5ms);
    if (req.cancelled()) ++cancelled;
    res.status = 504;
  }, http::RouteClass::kQuery);
  REQUIRE(srv.Start().ok());
  {
    RawConn c(srv.port());
    REQUIRE(c.Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
    std::this_thread::sleep_for(100ms);
  }  // closed
  REQUIRE(WaitFor([&] { return cancelled.load() == 1; }, 2s));
  CHECK(Metric(reg, "skald_http_requests_cancelled_total") == 1);
  auto t0 = std::chrono::steady_clock::now();
  RawConn c(srv.port());
  REQUIRE(c.Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  CHECK(c.ReadUntil("\r\n\r\n").find("HTTP/1.1 504") == 0);
  CHECK(cancelled.load() == 2);
  CHECK(std::chrono::steady_clock::now() - t0 < 3s);
}

TEST_CASE("query routes: max_concurrent run, a bounded queue waits, the rest get 429") {
  metrics::Registry reg;
  HttpServer srv(Opts(), &reg);  // 1 query worker, queue of 2
  std::atomic<bool> release{false};
  std::atomic<int> ran{0};
  srv.router().Get("/q", [&](const http::Request&, http::Response& res) {
    while (!release.load()) std::this_thread::sleep_for(2ms);
    ++ran;
    res.set_content("done", "text/plain");
  }, http::RouteClass::kQuery);
  srv.router().Post("/push", [](const http::Request&, http::Response& res) { res.status = 204; });
  REQUIRE(srv.Start().ok());
  std::vector<std::unique_ptr<RawConn>> conns;
  for (int i = 0; i < 3; ++i) {
    conns.push_back(std::make_unique<RawConn>(srv.port()));
    REQUIRE(conns.back()->Send("GET /q HTTP/1.1\r\nHost: x\r\n\r\n"));
    std::this_thread::sleep_for(50ms);  // in order: one runs, two wait
  }
  RawConn extra(srv.port());
  REQUIRE(extra.Send("GET /q HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string r = extra.ReadUntil("outstanding");
  CHECK(r.find("HTTP/1.1 429") == 0);
  CHECK(r.find("too many outstanding requests") != std::string::npos);
  // Pushes are not behind the queries.
  httplib::Client cli("127.0.0.1", srv.port());
  auto p = cli.Post("/push", "x", "text/plain");
  REQUIRE(p);
  CHECK(p->status == 204);
  release = true;
  for (auto& c : conns) CHECK(c->ReadUntil("done").find("HTTP/1.1 200") == 0);
  CHECK(ran.load() == 3);
  CHECK(Metric(reg, "skald_query_queue_rejected_total") == 1);
}

TEST_CASE("the connection cap closes new connections at once and counts them") {
  metrics::Registry reg;
  HttpServerOptions o = Opts();
  o.max_connections = 3;
  HttpServer srv(o, &reg);
  REQUIRE(srv.Start().ok());
  std::vector<std::unique_ptr<RawConn>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<RawConn>(srv.port()));
    REQUIRE(held.back()->Send(kGetReady));
    REQUIRE(held.back()->ReadUntil("\r\n\r\n").find("HTTP/1.1") == 0);
  }
  RawConn over(srv.port());
  CHECK(over.ClosedWithin(2s));
  CHECK(Metric(reg, "skald_http_connections_refused_total") >= 1);
  held.clear();
  REQUIRE(WaitFor([&] { return srv.open_connections() == 0; }));
  CHECK(HttpGetStatus("127.0.0.1", srv.port(), "/ready", 2000) == 503);
}

TEST_CASE("streamed bodies, HEAD, pipelined requests, form bodies and 100-continue") {
  metrics::Registry reg;
  HttpServer srv(Opts(), &reg);
  srv.router().Get("/stream", [](const http::Request&, http::Response& res) {
    auto n = std::make_shared<int>(0);
    res.set_chunked_content_provider("text/plain", [n](size_t, http::DataSink& sink) {
      std::string piece(100000, char('a' + (*n % 26)));
      if (!sink.write(piece.data(), piece.size())) return false;
      if (++*n == 50) sink.done();
      return true;
    });
  });
  srv.router().Post("/form", [](const http::Request& req, http::Response& res) {
    res.set_content(req.get_param_value("query") + "|" + req.get_param_value("limit"), "text/plain");
  });
  REQUIRE(srv.Start().ok());
  httplib::Client cli("127.0.0.1", srv.port());
  auto s = cli.Get("/stream");
  REQUIRE(s);
  CHECK(s->status == 200);
  CHECK(s->body.size() == 5000000u);
  CHECK(s->body[4999999] == char('a' + 49 % 26));
  auto f = cli.Post("/form?limit=5", "query=%7Bapp%3D%22a+b%22%7D", "application/x-www-form-urlencoded");
  REQUIRE(f);
  CHECK(f->body == "{app=\"a b\"}|5");

  RawConn c(srv.port());
  REQUIRE(c.Send("HEAD /ready HTTP/1.1\r\nHost: x\r\n\r\n" + kGetReady));
  std::string both = c.ReadUntil("Not ready: starting\n");
  CHECK(both.find("HTTP/1.1 503") == 0);
  CHECK(both.find("HTTP/1.1 503", 5) != std::string::npos);  // the pipelined GET
  CHECK(both.find("Not ready: starting\n") == both.rfind("Not ready"));  // HEAD sent no body

  RawConn e(srv.port());
  REQUIRE(e.Send("POST /form HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                 "Content-Length: 7\r\nExpect: 100-continue\r\n\r\n"));
  CHECK(e.ReadUntil("100 Continue").find("HTTP/1.1 100 Continue") == 0);
  REQUIRE(e.Send("limit=9"));
  CHECK(e.ReadUntil("|9").find("|9") != std::string::npos);
}

namespace {

struct Echo : http::WebSocketHandler {
  std::shared_ptr<http::WebSocketConn> conn;
  std::atomic<bool> closed{false};
  void OnOpen(std::shared_ptr<http::WebSocketConn> c) override {
    conn = c;
    c->SendText("hello");
  }
  void OnMessage(std::string_view t) override {
    if (t == "bye") return conn->Close(1000, "as asked");
    conn->SendText("echo:" + std::string(t));
  }
  void OnClose() override {
    closed = true;
    conn.reset();
  }
};

std::string Masked(const std::string& payload, uint8_t op = 1) {
  std::string f;
  f.push_back(char(0x80 | op));
  f.push_back(char(0x80 | payload.size()));
  const char mask[4] = {1, 2, 3, 4};
  f.append(mask, 4);
  for (size_t i = 0; i < payload.size(); ++i) f.push_back(char(payload[i] ^ mask[i % 4]));
  return f;
}

}  // namespace

TEST_CASE("WebSocket upgrade: handshake, frames both ways, close - the session holds no worker") {
  metrics::Registry reg;
  HttpServer srv(Opts(), &reg);
  auto echo = std::make_shared<Echo>();
  srv.router().Get("/ws", [&](const http::Request&, http::Response& res) { res.websocket = echo; });
  REQUIRE(srv.Start().ok());
  RawConn c(srv.port());
  REQUIRE(c.Send("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"));
  std::string head = c.ReadUntil("hello");
  CHECK(head.find("HTTP/1.1 101") == 0);
  CHECK(head.find("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") != std::string::npos);
  CHECK(head.find(std::string("\x81\x05hello", 7)) != std::string::npos);
  // Workers are free: more requests than workers are served while the session is open.
  for (int i = 0; i < 4; ++i) CHECK(HttpGetStatus("127.0.0.1", srv.port(), "/ready", 2000) == 503);
  c.buffer().clear();
  REQUIRE(c.Send(Masked("ping!")));
  CHECK(c.ReadUntil("echo:ping!").find("echo:ping!") != std::string::npos);
  c.buffer().clear();
  REQUIRE(c.Send(Masked("bye")));
  CHECK(c.ReadUntil("as asked").find(std::string("\x88\x0a\x03\xe8" "as asked", 12)) != std::string::npos);
  REQUIRE(c.Send(Masked(std::string("\x03\xe8", 2), 8)));  // the client's close answer
  CHECK(c.ClosedWithin(3s));  // the server's FIN; it then waits for ours (RFC 6455 teardown)
  c.Close();
  CHECK(WaitFor([&] { return echo->closed.load(); }, 3s));
}
