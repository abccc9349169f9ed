// HttpServer over a real socket on an ephemeral port: default endpoints, 404, body limit, stop.
#include <catch.hpp>

#include <httplib.h>

#include <chrono>
#include <pthread.h>

#include <thread>

#include "common/http/http_server.h"
#include "common/shutdown.h"

using namespace skald;

namespace {

HttpServerOptions LocalOpts() {
  HttpServerOptions o;
  o.address = "127.0.0.1";
  o.port = 0;
  o.max_body_bytes = 1024;
  o.thread_count = 2;
  return o;
}

}  // namespace

TEST_CASE("ready metrics config and 404 over a real socket") {
  metrics::Registry reg;
  reg.NewCounter("test_things_total", "Things.").Inc(5);
  HttpServer srv(LocalOpts(), &reg);
  srv.SetConfigText("auth_enabled: false\n");
  REQUIRE(srv.Start().ok());
  REQUIRE(srv.port() > 0);
  httplib::Client cli("127.0.0.1", srv.port());

  auto r = cli.Get("/ready");
  REQUIRE(r);
  CHECK(r->status == 503);
  CHECK(r->body == "Not ready: starting\n");
  srv.SetReady(true);
  r = cli.Get("/ready");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body == "ready\n");

  r = cli.Get("/metrics");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->get_header_value("Content-Type") == metrics::kTextContentType);
  CHECK(r->body.find("test_things_total 5\n") != std::string::npos);
  CHECK(r->body.find("skald_http_requests_total{status_code=\"200\"}") != std::string::npos);

  r = cli.Get("/config");
  REQUIRE(r);
  CHECK(r->body == "auth_enabled: false\n");

  r = cli.Get("/nope");
  REQUIRE(r);
  CHECK(r->status == 404);
  CHECK(r->body == "404 page not found\n");
  srv.Stop();
  CHECK_FALSE(srv.running());
}

TEST_CASE("modules register routes - bodies above the limit get 413") {
  metrics::Registry reg;
  HttpServer srv(LocalOpts(), &reg);
  srv.router().Post("/echo", [](const http::Request& req, http::Response& res) {
    res.set_content(req.body, "text/plain");
  });
  srv.router().Get("/teapot", [](const http::Request&, http::Response& res) {
    res.status = 404;
    res.set_content("custom not found\n", "text/plain");
  });
  REQUIRE(srv.Start().ok());
  httplib::Client cli("127.0.0.1", srv.port());
  auto r = cli.Post("/echo", std::string(100, 'x'), "text/plain");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body.size() == 100);
  r = cli.Post("/echo", std::string(5000, 'x'), "text/plain");
  REQUIRE(r);
  CHECK(r->status == 413);
  r = cli.Get("/teapot");
  REQUIRE(r);
  CHECK(r->body == "custom not found\n");  // handler bodies are never replaced
}

TEST_CASE("Stop right after Start returns is idempotent and frees the port") {
  metrics::Registry reg;
  int port = 0;
  {
    HttpServer srv(LocalOpts(), &reg);
    REQUIRE(srv.Start().ok());
    port = srv.port();
    srv.Stop();
    srv.Stop();
  }
  CHECK(HttpGetStatus("127.0.0.1", port, "/ready", 500) == 0);
  HttpServerOptions o = LocalOpts();
  o.port = port;
  HttpServer again(o, &reg);
  REQUIRE(again.Start().ok());
  CHECK(again.port() == port);
  again.SetReady(true);
  CHECK(HttpGetStatus("127.0.0.1", port, "/ready", 2000) == 200);
}

TEST_CASE("a second server on a taken port fails with an error") {
  metrics::Registry reg;
  HttpServer a(LocalOpts(), &reg);
  REQUIRE(a.Start().ok());
  HttpServerOptions o = LocalOpts();
  o.port = a.port();
  HttpServer b(o, &reg);
  Status st = b.Start();
  CHECK_FALSE(st.ok());
  CHECK(st.message().find(std::to_string(a.port())) != std::string::npos);
}

TEST_CASE("shutdown: Request wakes waiters - WaitFor times out otherwise") {
  shutdown::ResetForTest();
  CHECK_FALSE(shutdown::WaitFor(20));
  std::thread t([] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    shutdown::Request();
  });
  auto start = std::chrono::steady_clock::now();
  shutdown::Wait();
  t.join();
  CHECK(shutdown::Requested());
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  CHECK(shutdown::WaitFor(0));
  shutdown::ResetForTest();
  CHECK_FALSE(shutdown::Requested());
}

TEST_CASE("route classes pick their pool: kIngest on http-ingest (the general pool without one), kWorker, kQuery") {
  auto thread_name = [](const http::Request&, http::Response& res) {
    char name[16] = {};
    pthread_getname_np(pthread_self(), name, sizeof(name));
    res.set_content(name, "text/plain");
  };
  for (int ingest_threads : {2, 0}) {
    INFO("ingest_threads " << ingest_threads);
    metrics::Registry reg;
    HttpServerOptions o = LocalOpts();
    o.ingest_threads = ingest_threads;
    HttpServer srv(o, &reg);
    srv.router().Post("/push", thread_name, http::RouteClass::kIngest);
    srv.router().Post("/admin", thread_name, http::RouteClass::kWorker);
    srv.router().Post("/query", thread_name, http::RouteClass::kQuery);
    REQUIRE(srv.Start().ok());
    httplib::Client cli("127.0.0.1", srv.port());
    auto body = [&](const char* path) {
      auto r = cli.Post(path, "", "text/plain");
      return r && r->status == 200 ? r->body : std::string("no answer");
    };
    CHECK(body("/push") == (ingest_threads > 0 ? "http-ingest" : "http-worker"));
    CHECK(body("/admin") == "http-worker");
    CHECK(body("/query") == "http-query");
    srv.Stop();
  }
}
