// Test fixture for the read API: the real HttpServer on an ephemeral port over the in-memory
// FakeStoreReader, plus an httplib client.
#pragma once

#include <httplib.h>

#include <thread>

#include "store/api/query_handlers.h"
#include "tests/route_server.h"
#include "tests/store/query/fake_store_reader.h"

namespace skald::api::testing {

constexpr int64_t kSec = 1000000000LL;

struct ApiServer {
  explicit ApiServer(bool auth = false, std::function<void(QueryDeps&)> tweak = nullptr) {
    QueryDeps deps;
    deps.reader = &reader;
    deps.auth_enabled = auth;
    deps.now_ns = [] { return 100 * kSec; };
    if (tweak) tweak(deps);
    RegisterQueryRoutes(server.router(), deps);
    port = server.Start();
  }
  ~ApiServer() { server.Stop(); }
  httplib::Client Client() const {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(10, 0);
    return c;
  }

  skald::testing::FakeStoreReader reader;
  skald::testing::RouteServer server;
  int port = 0;
};

}  // namespace skald::api::testing
