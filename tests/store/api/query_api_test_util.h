// Test fixture for the read API: a real httplib server on an ephemeral port over the in-memory
// FakeStoreReader, plus a client and a minimal WebSocket reader for /tail.
#pragma once

#include <httplib.h>

#include <thread>

#include "store/api/query_handlers.h"
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
    RegisterQueryRoutes(server, deps);
    port = server.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] { server.listen_after_bind(); });
    while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~ApiServer() {
    server.stop();
    thread.join();
  }
  httplib::Client Client() const {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(10, 0);
    return c;
  }

  skald::testing::FakeStoreReader reader;
  httplib::Server server;
  int port = 0;
  std::thread thread;
};

}  // namespace skald::api::testing
