// Two-tenant store fixture for the tenant-isolation tests: config, seed data with B-only markers, and
// the leak check (see two_tenants.h).
#include "tests/e2e/two_tenants.h"

#include <catch.hpp>
#include <fmt/format.h>

#include <utility>

#include "tests/e2e/object_store_mode.h"

namespace skald::e2e {

const std::vector<std::string>& BMarkers() {
  static const std::vector<std::string> m = {"secretbee",      "bonly_label", "bvalue-zzz",     "bjobzzz",
                                             "b-app",          "beefield",    "bee_json_field", "beelevel",
                                             "SecretBeeAlert", "bee-group"};
  return m;
}

namespace {

std::string Config(const std::string& dir) {
  return fmt::format(
      "ruler:\n  storage:\n    type: local\n    local:\n      directory: {0}/rules\n"
      "  rule_path: {0}/rules-temp\n  enable_api: true\n  evaluation_interval: 1s\n  poll_interval: 1s\n"
      "compactor:\n  working_directory: {0}/compactor\n  compaction_interval: 1h\n"
      "  retention_enabled: true\n  delete_request_cancel_period: 1h\n",
      dir);
}

// A's streams: its own labels, plus the {job="shared",env="prod"} label set that B uses too.
std::vector<LogStream> AStreams(int64_t t) {
  return {MakeStream({{"job", "alpha"}, {"app", "a-app"}, {"aonly_label", "avalue-aaa"}},
                     {{t, R"(level=info msg="alphamarker logfmt" user=alice)", {}},
                      {t + 1, R"({"level":"warn","msg":"alphamarker json","afield":"x1"})", {}},
                      {t + 2, "alphamarker plain", {}}}),
          MakeStream({{"job", "shared"}, {"env", "prod"}}, {{t + 3, "shared alphamarker line", {}}})};
}

// B's streams: its own labels, the shared label set, and A's exact label set (same stream identity
// if tenants were not part of it).
std::vector<LogStream> BStreams(int64_t t) {
  return {MakeStream({{"job", "bjobzzz"}, {"app", "b-app"}, {"bonly_label", "bvalue-zzz"}},
                     {{t, R"(level=beelevel msg="secretbee logfmt" beefield=bvalue-zzz)", {}},
                      {t + 1, R"({"level":"beelevel","bee_json_field":"secretbee","msg":"secretbee json"})", {}},
                      {t + 2, "secretbee plain", {}}}),
          MakeStream({{"job", "shared"}, {"env", "prod"}}, {{t + 3, "shared secretbee line", {}}}),
          MakeStream({{"job", "alpha"}, {"app", "a-app"}, {"aonly_label", "avalue-aaa"}},
                     {{t + 4, "secretbee inside the alpha label set", {}}})};
}

}  // namespace

TwoTenantStore::TwoTenantStore(const std::string& dir, const std::string& extra_yaml)
    : dir_(dir), store_(dir), cli_("127.0.0.1", store_.port()) {
  store_.Configure(dir + "/data", true, Config(dir) + extra_yaml);
  cli_.set_read_timeout(15, 0);
}

bool TwoTenantStore::Start() { return store_.Start(); }

httplib::Result TwoTenantStore::Get(const std::string& path, const httplib::Params& params,
                                    const std::string& tenant) {
  httplib::Headers h;
  if (!tenant.empty()) h.emplace("X-Scope-OrgID", tenant);
  auto res = cli_.Get(path, params, h);
  INFO("GET " << path << " as " << tenant);
  REQUIRE(res);
  return res;
}

void TwoTenantStore::Push(const std::string& body, const std::string& tenant) {
  auto res = cli_.Post("/loki/api/v1/push", httplib::Headers{{"X-Scope-OrgID", tenant}}, body, "application/json");
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 204);
}

void TwoTenantStore::Seed() {
  const int64_t now = NowNs();
  const int64_t flushed = now - 600LL * 1000000000LL, head = now - 300LL * 1000000000LL;
  Push(JsonPushBody(AStreams(flushed)), kTenantA);
  Push(JsonPushBody(BStreams(flushed)), kTenantB);
  auto res = cli_.Post("/flush", "", "text/plain");
  REQUIRE(res);
  REQUIRE(res->status == 204);
  SettleInBucket(store_.port(), dir_ + "/data");   // the "e2e-s3: " variant reads these from the bucket
  Push(JsonPushBody(AStreams(head)), kTenantA);
  Push(JsonPushBody(BStreams(head)), kTenantB);
}

void CheckNoLeak(const std::string& what, const std::string& body, const std::string& request) {
  for (const std::string& m : BMarkers()) {
    if (request.find(m) != std::string::npos) continue;
    INFO(what << " leaked '" << m << "': " << body.substr(0, 4000));
    CHECK(body.find(m) == std::string::npos);
  }
}

std::string OneLineBody(std::vector<Label> labels, const std::string& line) {
  return JsonPushBody({MakeStream(std::move(labels), {{NowNs(), line, {}}})});
}

}  // namespace skald::e2e
