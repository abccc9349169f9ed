// RouteServer: the real event-driven HttpServer on 127.0.0.1 and an ephemeral port, for tests that
// register one module's routes and talk to them over a socket.
#pragma once

#include <cstdio>
#include <cstdlib>

#include "common/http/http_server.h"

namespace skald::testing {

class RouteServer {
 public:
  explicit RouteServer(size_t max_body_bytes = 100u << 20) : http_(Options(max_body_bytes), &registry_) {}
  http::Router& router() { return http_.router(); }
  // Starts serving; returns the bound port (aborts the test binary when it cannot listen).
  int Start() {
    Status st = http_.Start();
    if (!st.ok()) {
      std::fprintf(stderr, "RouteServer: %s\n", st.message().c_str());
      std::abort();
    }
    return http_.port();
  }
  void Stop() { http_.Stop(); }
  int port() const { return http_.port(); }

 private:
  static HttpServerOptions Options(size_t max_body_bytes) {
    HttpServerOptions o;
    o.address = "127.0.0.1";
    o.max_body_bytes = max_body_bytes;
    o.thread_count = 4;
    return o;
  }
  metrics::Registry registry_;
  HttpServer http_;
};

}  // namespace skald::testing
