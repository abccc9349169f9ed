// Tenant isolation of a real skald-store beyond plain reads: the live tail WebSocket, delete requests,
// ruler rules and alerts, multi-tenant org IDs, and the operator endpoints /metrics and /config.
#include <catch.hpp>
#include <fmt/format.h>
#include <httplib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/e2e/object_store_mode.h"
#include "tests/e2e/two_tenants.h"
#include "tests/loopback_connect.h"

using namespace skald::e2e;

namespace {

const std::string kAll = R"({job=~".+"})";
const std::string kBoth = fmt::format("{}|{}", kTenantA, kTenantB);

httplib::Headers Org(const std::string& tenant) { return {{"X-Scope-OrgID", tenant}}; }

// A minimal RFC 6455 client for the tail: the upgrade as one tenant, then the server's text frames.
class TailClient {
 public:
  TailClient(int port, const std::string& tenant, const std::string& query) {
    fd_ = skald::testing::ConnectLoopback(port);
    const std::string req = fmt::format(
        "GET /loki/api/v1/tail?limit=100&query={} HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        "X-Scope-OrgID: {}\r\n\r\n",
        httplib::detail::encode_query_param(query), tenant);
    REQUIRE(::send(fd_, req.data(), req.size(), 0) == static_cast<ssize_t>(req.size()));
    while (buf_.find("\r\n\r\n") == std::string::npos) REQUIRE(Fill(5000));
    head_ = buf_.substr(0, buf_.find("\r\n\r\n") + 4);
    buf_.erase(0, head_.size());
  }
  ~TailClient() { ::close(fd_); }
  const std::string& head() const { return head_; }

  // Payloads of the text frames received until `needle` arrives or timeout_ms passes.
  std::string ReadUntil(const std::string& needle, int timeout_ms) {
    std::string text;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (text.find(needle) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      std::string p;
      if (NextFrame(&p)) text += p + "\n";
      else if (!Fill(200)) continue;
    }
    return text;
  }

 private:
  // One whole frame from buf_ (payload of text frames only); false when incomplete.
  bool NextFrame(std::string* payload) {
    if (buf_.size() < 2) return false;
    const int op = buf_[0] & 0x0F;
    uint64_t n = static_cast<uint8_t>(buf_[1]) & 0x7F;
    size_t hdr = 2;
    if (n == 126 || n == 127) {
      const size_t len_bytes = n == 126 ? 2 : 8;
      if (buf_.size() < 2 + len_bytes) return false;
      n = 0;
      for (size_t i = 0; i < len_bytes; i++) n = (n << 8) | static_cast<uint8_t>(buf_[2 + i]);
      hdr += len_bytes;
    }
    if (buf_.size() < hdr + n) return false;
    *payload = op == 1 || op == 8 ? buf_.substr(hdr, n) : "";
    buf_.erase(0, hdr + n);
    return true;
  }
  bool Fill(int timeout_ms) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return false;
    char tmp[4096];
    ssize_t n = ::recv(fd_, tmp, sizeof(tmp), 0);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
  }
  int fd_ = -1;
  std::string buf_, head_;
};

std::string DeleteList(TwoTenantStore& s, const std::string& tenant) {
  auto res = s.Get("/loki/api/v1/delete", {}, tenant);
  INFO(res->body);
  CHECK(res->status == 200);
  return res->body;
}

// The request_id of the first delete request in a GET /loki/api/v1/delete answer.
std::string FirstRequestId(const std::string& list) {
  const std::string key = R"("request_id":")";
  size_t at = list.find(key);
  if (at == std::string::npos) return "";
  at += key.size();
  return list.substr(at, list.find('"', at) - at);
}

void PostRules(TwoTenantStore& s, const std::string& tenant, const std::string& ns, const std::string& yaml) {
  auto res = s.cli().Post(fmt::format("/loki/api/v1/rules/{}", ns), Org(tenant), yaml,
                          "application/yaml");
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 202);
}

// Polls GET path as tenant until its body contains needle (at most timeout_ms); the last body.
std::string WaitFor(TwoTenantStore& s, const std::string& path, const std::string& tenant, const std::string& needle,
                    int timeout_ms) {
  std::string body;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    body = s.Get(path, {}, tenant)->body;
    if (body.find(needle) != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return body;
}

}  // namespace

TEST_CASE("e2e: tenant A's live tail shows nothing that tenant B pushes", "[e2e][tenant]") {
  TempDir dir("skald-tenant-tail");
  TwoTenantStore s(dir.path());
  REQUIRE(s.Start());
  s.Seed();
  TailClient tail(s.store().port(), kTenantA, kAll);
  INFO(tail.head());
  REQUIRE(tail.head().rfind("HTTP/1.1 101", 0) == 0);
  std::string seen = tail.ReadUntil("alphamarker plain", 5000);   // the history frame
  CHECK(seen.find("alphamarker plain") != std::string::npos);
  // B pushes first, into its own stream, the shared label set and A's label set; then A pushes.
  s.Push(OneLineBody({{"job", "bjobzzz"}, {"app", "b-app"}, {"bonly_label", "bvalue-zzz"}}, "secretbee live"),
         kTenantB);
  s.Push(OneLineBody({{"job", "shared"}, {"env", "prod"}}, "secretbee live shared"), kTenantB);
  s.Push(OneLineBody({{"job", "alpha"}, {"app", "a-app"}, {"aonly_label", "avalue-aaa"}}, "secretbee live alpha"),
         kTenantB);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  s.Push(OneLineBody({{"job", "shared"}, {"env", "prod"}}, "alphamarker live"), kTenantA);
  seen += tail.ReadUntil("alphamarker live", 8000);
  CHECK(seen.find("alphamarker live") != std::string::npos);
  CheckNoLeak("tail", seen);
  // Loki refuses a tail for several tenants (its live half could not merge them).
  TailClient both(s.store().port(), kBoth, kAll);
  CHECK(both.head().rfind("HTTP/1.1 400", 0) == 0);
}

TEST_CASE("e2e: tenant A can neither see nor cancel tenant B's delete requests", "[e2e][tenant]") {
  TempDir dir("skald-tenant-delete");
  TwoTenantStore s(dir.path());
  REQUIRE(s.Start());
  s.Seed();
  const std::string start = fmt::format("{}", NowNs() / 1000000000LL - 7200);
  for (const auto& [tenant, query] : {std::pair<std::string, std::string>{kTenantB, R"({job="shared"} |= "shared")"},
                                      {kTenantB, R"({bonly_label="bvalue-zzz"} |= "secretbee")"},
                                      {kTenantA, R"({job="alpha"} |= "nothing-matches")"}}) {
    auto res = s.cli().Post("/loki/api/v1/delete", Org(tenant),
                            httplib::Params{{"query", query}, {"start", start}});
    REQUIRE(res);
    INFO(res->body);
    REQUIRE(res->status == 204);
  }
  const std::string b_list = DeleteList(s, kTenantB);
  CHECK(b_list.find("bvalue-zzz") != std::string::npos);
  const std::string a_list = DeleteList(s, kTenantA);
  CHECK(a_list.find("nothing-matches") != std::string::npos);
  CHECK(a_list.find(R"(job=\"shared\")") == std::string::npos);
  CheckNoLeak("delete list", a_list);
  // A cancelling B's request by its id changes nothing.
  const std::string b_id = FirstRequestId(b_list);
  REQUIRE(!b_id.empty());
  auto cancel = s.cli().Delete(fmt::format("/loki/api/v1/delete?request_id={}", b_id), Org(kTenantA));
  REQUIRE(cancel);
  CHECK(cancel->status != 204);
  CheckNoLeak("cancel of B's id", cancel->body);
  CHECK(DeleteList(s, kTenantB) == b_list);
  // B's delete of {job="shared"} hides B's shared lines at once, and none of A's.
  auto a = s.Get("/loki/api/v1/query_range", {{"query", R"({job="shared"})"}}, kTenantA);
  CHECK(CountOf(a->body, "shared alphamarker line") == 2);
  auto b = s.Get("/loki/api/v1/query_range", {{"query", R"({job="shared"})"}}, kTenantB);
  CHECK(CountOf(b->body, "shared secretbee line") == 0);
}

TEST_CASE("e2e: tenant A sees neither tenant B's rules nor its alerts, and A's rules read only A's logs",
          "[e2e][tenant][objstore]") {
  TempDir dir("skald-tenant-rules");
  TwoTenantStore s(dir.path());
  REQUIRE(s.Start());
  s.Seed();
  PostRules(s, kTenantB, "ns-common",
            "name: bee-group\nrules:\n  - alert: SecretBeeAlert\n"
            "    expr: sum(count_over_time({bonly_label=\"bvalue-zzz\"}[1h])) > 0\n"
            "    labels:\n      beefield: secretbee\n");
  // AlphaProbeAlert would fire only if A's rule saw B's lines (no B marker in its text).
  PostRules(s, kTenantA, "ns-common",
            "name: alpha-group\nrules:\n  - alert: AlphaOwnAlert\n"
            "    expr: sum(count_over_time({job=\"alpha\"}[1h])) > 0\n"
            "  - alert: AlphaProbeAlert\n"
            "    expr: sum(count_over_time({job=~\".+\"} |~ \"secret.ee\" [1h])) > 0\n");
  const std::string b_alerts = WaitFor(s, "/prometheus/api/v1/alerts", kTenantB, "SecretBeeAlert", 20000);
  CHECK(b_alerts.find("SecretBeeAlert") != std::string::npos);
  const std::string a_alerts = WaitFor(s, "/prometheus/api/v1/alerts", kTenantA, "AlphaOwnAlert", 20000);
  CHECK(a_alerts.find("AlphaOwnAlert") != std::string::npos);
  CHECK(a_alerts.find("AlphaProbeAlert") == std::string::npos);
  CheckReadsHitBucket(s.store().port());   // the rules read the flushed lines from the bucket
  CheckNoLeak("alerts", a_alerts);
  for (const char* path : {"/loki/api/v1/rules", "/loki/api/v1/rules/ns-common", "/api/prom/rules",
                           "/prometheus/api/v1/rules", "/api/prom/api/v1/rules", "/api/prom/api/v1/alerts"}) {
    auto a = s.Get(path, {}, kTenantA);
    INFO(path << " " << a->body);
    CHECK(a->status == 200);
    CHECK(a->body.find("AlphaOwnAlert") != std::string::npos);
    CheckNoLeak(path, a->body);
  }
  auto b_group = s.Get("/loki/api/v1/rules/ns-common/bee-group", {}, kTenantA);
  CHECK(b_group->status == 404);
  CheckNoLeak("B's group by name", b_group->body, "bee-group");
  auto del = s.cli().Delete("/loki/api/v1/rules/ns-common/bee-group", Org(kTenantA));
  REQUIRE(del);
  CHECK(del->status != 202);
  CHECK(s.Get("/loki/api/v1/rules/ns-common/bee-group", {}, kTenantB)->body.find("SecretBeeAlert") !=
        std::string::npos);
}

// Loki 2.9 answers `A|B` only with querier.multi_tenant_queries_enabled (default false, then 400
// `multiple org IDs present`); with it, the listed tenants' data merged. Pushes, tails, exports,
// deletes and the ruler stay single-tenant (400) either way.
TEST_CASE("e2e: a multi-tenant org ID reads exactly the tenants it lists, and operator endpoints hold no tenant data",
          "[e2e][tenant][objstore]") {
  TempDir dir("skald-tenant-multi");
  TwoTenantStore s(dir.path(), "querier:\n  multi_tenant_queries_enabled: true\n");
  REQUIRE(s.Start());
  s.Seed();
  auto both = s.Get("/loki/api/v1/query_range", {{"query", R"({job="shared"})"}},
                    kBoth);
  INFO(both->body);
  CHECK(both->status == 200);
  CHECK(both->body.find("shared alphamarker line") != std::string::npos);
  CHECK(both->body.find("shared secretbee line") != std::string::npos);
  CheckReadsHitBucket(s.store().port());
  auto push = s.cli().Post("/loki/api/v1/push", Org(kBoth),
                           OneLineBody({{"job", "x"}}, "two tenants"), "application/json");
  REQUIRE(push);
  CHECK(push->status == 400);
  auto del = s.cli().Post("/loki/api/v1/delete", Org(kBoth),
                          httplib::Params{{"query", kAll}, {"start", "1"}});
  REQUIRE(del);
  CHECK(del->status == 400);
  // The ruler is one tenant at a time too: a group stored under `A|B` would be evaluated over both.
  auto rules = s.cli().Post("/loki/api/v1/rules/ns", Org(kBoth),
                            "name: g\nrules:\n  - alert: X\n    expr: sum(count_over_time({job=\"shared\"}[1h])) > 0\n",
                            "application/yaml");
  REQUIRE(rules);
  CHECK(rules->status == 400);
  for (const char* path : {"/loki/api/v1/rules", "/prometheus/api/v1/rules", "/prometheus/api/v1/alerts"})
    CHECK(s.Get(path, {}, kBoth)->status == 400);
  // /metrics and /config are operator endpoints: tenant names may appear as metric labels, data may not.
  for (const char* path : {"/metrics", "/config"}) {
    auto res = s.Get(path, {}, kTenantA);
    CHECK(res->status == 200);
    CheckNoLeak(path, res->body);
  }
}
