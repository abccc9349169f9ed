// The log deletion API over a real socket: create (validation messages, 204 + request id), list
// (Loki's JSON shape), cancel (204, 404 unknown, 400 past the cancel period), disabled, tenants,
// and deletion_mode: a disabled tenant gets Loki's 403 on every route.
#include <catch.hpp>
#include <httplib.h>

#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <thread>

#include "store/api/delete_handlers.h"
#include "tests/route_server.h"

using namespace skald;

namespace {

constexpr int64_t kSec = 1000000000LL;
constexpr int64_t kNow = 1700000000LL * kSec;

struct Rig {
  std::string dir = "/tmp/skald-delete-api-" + std::to_string(::getpid());
  std::unique_ptr<retention::DeleteRequests> reqs;
  testing::RouteServer server;
  int port = 0;
  int64_t now = kNow;

  using ModeFn = std::function<retention::DeletionMode(const std::string&)>;
  explicit Rig(bool enabled, bool auth = true, ModeFn mode = nullptr) {
    std::filesystem::create_directories(dir);
    api::DeleteDeps d;
    if (enabled) {
      auto r = retention::DeleteRequests::Open(dir + "/deletes.db");
      REQUIRE(r.ok());
      reqs = std::move(*r);
      d.requests = reqs.get();
    }
    d.auth_enabled = auth;
    d.mode = std::move(mode);
    d.cancel_period_ns = 3600 * kSec;
    d.now_ns = [this] { return now; };
    api::RegisterDeleteRoutes(server.router(), d);
    port = server.Start();
  }
  ~Rig() {
    server.Stop();
    reqs.reset();
    std::filesystem::remove_all(dir);
  }
  httplib::Result Call(const std::string& method, const std::string& q, const std::string& org = "t1") {
    httplib::Client c("127.0.0.1", port);
    httplib::Headers h;
    if (!org.empty()) h.emplace("X-Scope-OrgID", org);
    std::string path = "/loki/api/v1/delete?" + q;
    if (method == "POST") return c.Post(path.c_str(), h, "", "text/plain");
    if (method == "PUT") return c.Put(path.c_str(), h, "", "text/plain");
    if (method == "DELETE") return c.Delete(path.c_str(), h);
    return c.Get(path.c_str(), h);
  }
};

}  // namespace

TEST_CASE("delete API: create validates like Loki") {
  Rig rig(true);
  struct Case { std::string q; int code; std::string body; };
  for (const Case& c : {Case{"start=1699990000", 400, "query not set"},
                        Case{"query=%7Ba%3D%22b%22%7D", 400, "start time not set"},
                        Case{"query=%7Ba%3D%22b%22%7D&start=123", 400, "invalid start time"},
                        Case{"query=%7Ba%3D%22b%22%7D&start=1699990000&end=1800000000", 400, "deletes in the future"},
                        Case{"query=%7Ba%3D%22b%22%7D&start=1699999999&end=1699990000", 400, "start time can't be greater"},
                        Case{"query=%7Ba%3D%22b%22%7D&start=9999999999", 400, "start time can't be greater"},
                        Case{"query=%7Ba%3D%22b%22%7D&start=1699990000&end=9999999999", 400, "deletes in the future"},
                        Case{"query=rate(%7Ba%3D%22b%22%7D%5B1m%5D)&start=1699990000", 400, "invalid query"},
                        // Only line filters may follow the selector: `| line_format "x"` would match every line.
                        Case{"query=%7Ba%3D%22b%22%7D%20%7C%20line_format%20%22x%22&start=1699990000", 400, "only line filters"},
                        Case{"query=%7Ba%3D%22b%22%7D%20%7C%20json%20%7C%20level%3D%22x%22&start=1699990000", 400, "only line filters"},
                        Case{"query=%7Ba%3D%22b%22%7D%20%7C%3D%20%22x%22&start=2023-11-14T00:00:00Z", 204, ""}}) {
    auto res = rig.Call("POST", c.q);
    REQUIRE(res);
    INFO(c.q << " → " << res->body);
    CHECK(res->status == c.code);
    CHECK(res->body.find(c.body) != std::string::npos);
    if (c.code == 204) CHECK(res->get_header_value("X-Delete-Request-ID").size() == 8);
  }
  CHECK(rig.Call("POST", "start=1", "")->status == 401);
  CHECK(rig.Call("POST", "query=%7Ba%3D%22b%22%7D&start=1699990000", "a|b")->status == 400);
}

// Regression (fuzz_api_delete_time): 10-digit seconds past 2262 overflowed int64 nanoseconds (UBSan).
TEST_CASE("delete API: ParseDeleteTime saturates seconds beyond int64 nanoseconds") {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  struct Case { const char* v; bool ok; int64_t want; };
  for (const Case& c : {Case{"1699990000", true, 1699990000LL * 1000000000LL},
                        Case{"9223372036", true, 9223372036LL * 1000000000LL}, Case{"9223372037", true, kMax},
                        Case{"9999999999", true, kMax}, Case{"123", false, 0},
                        Case{"2023-11-14T00:00:00Z", true, 1699920000LL * 1000000000LL}}) {
    auto r = api::ParseDeleteTime(c.v);
    INFO(c.v);
    REQUIRE(r.ok() == c.ok);
    if (c.ok) CHECK(*r == c.want);
  }
}

TEST_CASE("delete API: list, cancel, tenants") {
  Rig rig(true);
  auto res = rig.Call("PUT", "query=%7Ba%3D%22b%22%7D&start=1699990000&end=1699995000");
  REQUIRE(res->status == 204);
  std::string id = res->get_header_value("X-Delete-Request-ID");
  res = rig.Call("GET", "");
  REQUIRE(res->status == 200);
  CHECK(res->body == "[{\"request_id\":\"" + id + "\",\"start_time\":1699990000.000,\"end_time\":1699995000.000,"
                     "\"query\":\"{a=\\\"b\\\"}\",\"status\":\"received\",\"created_at\":1700000000.000}]");
  CHECK(rig.Call("GET", "", "t2")->body == "[]");
  CHECK(rig.Call("DELETE", "request_id=" + id, "t2")->status == 404);
  CHECK(rig.Call("DELETE", "request_id=nope")->status == 404);
  rig.now += 2 * 3600 * kSec;
  res = rig.Call("DELETE", "request_id=" + id);
  CHECK(res->status == 400);
  CHECK(res->body == "Cancellation period for delete request has passed");
  rig.now = kNow;
  CHECK(rig.Call("DELETE", "request_id=" + id)->status == 204);
  CHECK(rig.Call("GET", "")->body == "[]");
}

TEST_CASE("delete API: disabled without retention") {
  Rig rig(false, false);
  auto res = rig.Call("POST", "query=%7Ba%3D%22b%22%7D&start=1699990000", "");
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(res->body == "Retention is not enabled");
}

TEST_CASE("delete API: deletion_mode disabled answers 403 on every route, for that tenant only") {
  using retention::DeletionMode;
  const std::map<std::string, DeletionMode> modes = {{"off", DeletionMode::kDisabled},
                                                     {"filter", DeletionMode::kFilterOnly}};
  Rig rig(true, true, [&modes](const std::string& t) {
    auto it = modes.find(t);
    return it == modes.end() ? DeletionMode::kFilterAndDelete : it->second;
  });
  const std::string create = "query=%7Ba%3D%22b%22%7D&start=1699990000";
  for (const char* method : {"POST", "PUT", "GET", "DELETE"}) {
    INFO(method);
    auto res = rig.Call(method, std::string(method) == "DELETE" ? "request_id=00000001" : create, "off");
    REQUIRE(res);
    CHECK(res->status == 403);
    CHECK(res->body == "deletion is not available for this tenant");
  }
  CHECK(rig.reqs->List("off")->empty());
  CHECK(rig.Call("POST", create, "")->status == 401);          // the tenant is resolved first
  for (const char* tenant : {"filter", "t1"}) {                 // filter-only and the default accept
    INFO(tenant);
    auto res = rig.Call("POST", create, tenant);
    REQUIRE(res);
    CHECK(res->status == 204);
    CHECK(rig.Call("GET", "", tenant)->body.find("\"status\":\"received\"") != std::string::npos);
  }
}
