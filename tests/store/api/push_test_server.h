// Test rig for the push endpoints: an in-memory PushSink and the real HttpServer on port 0 running
// the real push routes.
#pragma once

#include <httplib.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/api/push_handler.h"
#include "store/head/push_sink.h"
#include "tests/route_server.h"

namespace skald::testing {

// Records every stored entry; thread-safe.
class MemorySink : public PushSink {
 public:
  struct Row { std::string tenant, labels, line, metadata; int64_t ts_ns; };
  Status Push(const std::string& tenant, std::vector<LogStream>&& streams) override {
    std::lock_guard<std::mutex> l(mu_);
    if (!fail_.ok()) return fail_;
    for (const auto& s : streams)
      for (const auto& e : s.entries) {
        std::string md;
        for (const auto& m : e.metadata) {
          if (!md.empty()) md += ',';
          md += m.name;
          md += '=';
          md += m.value;
        }
        rows_.push_back({tenant, s.labels.ToString(), e.line, md, e.ts_ns});
      }
    return Status::Ok();
  }
  std::vector<Row> Rows() {
    std::lock_guard<std::mutex> l(mu_);
    return rows_;
  }
  void SetFailure(Status s) {
    std::lock_guard<std::mutex> l(mu_);
    fail_ = std::move(s);
  }

 private:
  std::mutex mu_;
  std::vector<Row> rows_;
  Status fail_;
};

class PushTestServer {
 public:
  PushTestServer(const LimitsConfig& limits, bool auth_enabled)
      : dist_(limits, &sink, &metrics) {
    api::RegisterPushRoutes(server_.router(), dist_, auth_enabled);
    port_ = server_.Start();
  }
  ~PushTestServer() { server_.Stop(); }
  int port() const { return port_; }

  MemorySink sink;
  ingest::PushMetrics metrics;

 private:
  ingest::Distributor dist_;
  RouteServer server_;
  int port_ = 0;
};

}  // namespace skald::testing
