// Tenant isolation of every read endpoint of a real skald-store (auth_enabled, X-Scope-OrgID): each
// query is built to hit tenant B's data were isolation broken, asked as A (sees its own, none of B's).
#include <catch.hpp>
#include <fmt/format.h>
#include <httplib.h>

#include <csignal>
#include <string>
#include <vector>

#include "tests/e2e/object_store_mode.h"
#include "tests/e2e/two_tenants.h"

using namespace skald::e2e;

namespace {

const std::string kAll = R"({job=~".+"})";

// One read request: what A's answer must contain (its own data, so the probe can fail) and what B's
// answer to the same request must contain (B's data is there to leak).
struct Probe {
  std::string path;
  httplib::Params params;
  std::string a_has, b_has;
};

std::string RequestText(const Probe& p) {
  std::string t = p.path;
  for (const auto& [k, v] : p.params) t += fmt::format(" {}={}", k, v);
  return t;
}

std::vector<Probe> QueryProbes() {
  return {
      {"/loki/api/v1/query_range", {{"query", kAll}, {"limit", "1000"}}, "alphamarker plain", "secretbee plain"},
      {"/loki/api/v1/query_range", {{"query", kAll + R"( |= "secretbee")"}}, R"("result":[])", "secretbee plain"},
      {"/loki/api/v1/query_range", {{"query", R"({bonly_label=~".+"})"}}, R"("result":[])", "bvalue-zzz"},
      {"/loki/api/v1/query_range", {{"query", R"({job="alpha"})"}}, "alphamarker json", "secretbee inside"},
      {"/loki/api/v1/query_range", {{"query", R"({job="shared"})"}}, "shared alphamarker", "shared secretbee"},
      {"/loki/api/v1/query_range",
       {{"query", fmt::format("sum by (job, app) (count_over_time({}[1h]))", kAll)}, {"step", "60"}},
       R"("job":"alpha")", "bjobzzz"},
      {"/loki/api/v1/query_range", {{"query", fmt::format("sum by (level) (count_over_time({} | logfmt [1h]))", kAll)}},
       R"("level":"info")", "beelevel"},
      {"/loki/api/v1/query", {{"query", fmt::format("sum by (job, app, bonly_label) (count_over_time({}[1h]))", kAll)}},
       R"("job":"alpha")", "bvalue-zzz"},
      {"/api/prom/query", {{"query", kAll}, {"limit", "1000"}}, "alphamarker plain", "secretbee plain"},
  };
}

std::vector<Probe> MetadataProbes() {
  return {
      {"/loki/api/v1/labels", {}, "aonly_label", "bonly_label"},
      {"/loki/api/v1/label", {}, "aonly_label", "bonly_label"},
      {"/loki/api/v1/labels", {{"query", kAll}}, "aonly_label", "bonly_label"},
      {"/loki/api/v1/label/bonly_label/values", {}, R"("status":"success")", "bvalue-zzz"},
      {"/loki/api/v1/label/app/values", {}, "a-app", "b-app"},
      {"/loki/api/v1/label/job/values", {{"query", kAll}}, "alpha", "bjobzzz"},
      {"/api/prom/label", {}, "aonly_label", "bonly_label"},
      {"/api/prom/label/app/values", {}, "a-app", "b-app"},
      {"/loki/api/v1/series", {{"match[]", kAll}}, "avalue-aaa", "bvalue-zzz"},
      {"/loki/api/v1/series", {{"match[]", R"({bonly_label=~".+"})"}}, R"("status":"success")", "bvalue-zzz"},
      {"/api/prom/series", {{"match[]", kAll}}, "avalue-aaa", "bvalue-zzz"},
      {"/loki/api/v1/index/stats", {{"query", kAll}}, R"("streams":2,)", R"("streams":3,)"},
      {"/loki/api/v1/index/volume", {{"query", kAll}}, "alpha", "bjobzzz"},
      {"/loki/api/v1/index/volume", {{"query", kAll}, {"targetLabels", "app"}}, "a-app", "b-app"},
      {"/loki/api/v1/index/volume_range", {{"query", kAll}, {"step", "60"}}, "alpha", "bjobzzz"},
      {"/loki/api/v1/detected_labels", {{"query", kAll}}, "aonly_label", "bonly_label"},
  };
}

std::vector<Probe> ContentProbes() {
  return {
      {"/loki/api/v1/detected_fields", {{"query", kAll}}, "afield", "bee_json_field"},
      {"/loki/api/v1/detected_field/beefield/values", {{"query", kAll}}, "", "bvalue-zzz"},
      {"/loki/api/v1/detected_field/level/values", {{"query", kAll}}, "warn", "beelevel"},
      {"/loki/api/v1/patterns", {{"query", kAll}}, "alphamarker", "secretbee"},
      {"/skald/api/v1/export", {{"query", kAll}}, "alphamarker plain", "secretbee plain"},
  };
}

void RunProbes(TwoTenantStore& s, const std::vector<Probe>& probes) {
  for (const Probe& p : probes) {
    const std::string req = RequestText(p);
    auto a = s.Get(p.path, p.params, kTenantA);
    INFO(req << "\nas A: " << a->status << " " << a->body.substr(0, 3000));
    CHECK(a->status == 200);
    if (!p.a_has.empty()) CHECK(a->body.find(p.a_has) != std::string::npos);
    CheckNoLeak(req, a->body, req);
    auto b = s.Get(p.path, p.params, kTenantB);
    INFO("as B: " << b->status << " " << b->body.substr(0, 3000));
    CHECK(b->status == 200);
    CHECK(b->body.find(p.b_has) != std::string::npos);
  }
}

}  // namespace

TEST_CASE("e2e: tenant A's queries show none of tenant B's lines or labels", "[e2e][tenant][objstore]") {
  TempDir dir("skald-tenant-query");
  TwoTenantStore s(dir.path());
  REQUIRE(s.Start());
  s.Seed();
  RunProbes(s, QueryProbes());
  // Exact counts: A's 8 lines (4 flushed to chunks, 4 in the head), not B's 10 in the same label sets.
  auto a = s.Get("/loki/api/v1/query", {{"query", fmt::format("sum(count_over_time({}[1h]))", kAll)}}, kTenantA);
  INFO(a->body);
  CHECK(a->body.find(fmt::format("\"{}\"]", 2 * TwoTenantStore::kAEntriesPerBatch)) != std::string::npos);
  CheckReadsHitBucket(s.store().port());
  // After a crash the WAL replay and the index reload keep the tenants apart too.
  s.store().Kill(SIGKILL);
  s.store().Wait();
  REQUIRE(s.Start());
  RunProbes(s, QueryProbes());
}

TEST_CASE("e2e: tenant A's labels, series, index stats and volume show nothing of tenant B", "[e2e][tenant][objstore]") {
  TempDir dir("skald-tenant-meta");
  TwoTenantStore s(dir.path());
  REQUIRE(s.Start());
  s.Seed();
  RunProbes(s, MetadataProbes());
  auto stats = s.Get("/loki/api/v1/index/stats", {{"query", kAll}}, kTenantA);
  INFO(stats->body);
  CHECK(stats->body.find(fmt::format("\"entries\":{}", 2 * TwoTenantStore::kAEntriesPerBatch)) !=
        std::string::npos);
}

TEST_CASE("e2e: tenant A's detected fields, patterns and export show nothing of tenant B", "[e2e][tenant][objstore]") {
  TempDir dir("skald-tenant-content");
  TwoTenantStore s(dir.path());
  REQUIRE(s.Start());
  s.Seed();
  RunProbes(s, ContentProbes());
  CheckReadsHitBucket(s.store().port());   // export and patterns read the flushed lines from the bucket
  // Export is one tenant at a time: a multi-tenant org ID is refused, without data.
  auto both = s.Get("/skald/api/v1/export", {{"query", kAll}}, fmt::format("{}|{}", kTenantA, kTenantB));
  CHECK(both->status == 400);
  CheckNoLeak("export A|B", both->body);
  // Without querier.multi_tenant_queries_enabled (Loki's default: off) queries refuse A|B as well.
  for (const char* path : {"/loki/api/v1/query_range", "/loki/api/v1/labels", "/loki/api/v1/series"}) {
    auto q = s.Get(path, {{"query", kAll}, {"match[]", kAll}}, fmt::format("{}|{}", kTenantA, kTenantB));
    INFO(path << ": " << q->body);
    CHECK(q->status == 400);
    CHECK(q->body.find("multiple org IDs present") != std::string::npos);
  }
}

TEST_CASE("e2e: error answers to tenant A quote nothing of tenant B", "[e2e][tenant]") {
  TempDir dir("skald-tenant-errors");
  TwoTenantStore s(dir.path());
  REQUIRE(s.Start());
  s.Seed();
  const std::vector<Probe> bad = {
      {"/loki/api/v1/query_range", {{"query", kAll + " |= "}}, "", ""},
      {"/loki/api/v1/query_range", {{"query", fmt::format("sum(rate({} | logfmt | unwrap msg [1h]))", kAll)}}, "", ""},
      {"/loki/api/v1/query_range", {{"query", kAll + " | json | line_format \"{{.level}} {{.nope}}\""}}, "", ""},
      {"/loki/api/v1/query",
       {{"query", fmt::format("count_over_time({0}[1h]) > on(app) group_left count_over_time({0}[1h])", kAll)}},
       "", ""},
      {"/loki/api/v1/label/job/values", {{"query", R"({job=~"(")"}}, "", ""},
      {"/loki/api/v1/series", {{"match[]", "{}"}}, "", ""},
      {"/loki/api/v1/detected_fields", {{"query", kAll + " | unknownstage"}}, "", ""},
      {"/loki/api/v1/patterns", {{"query", "not a query"}}, "", ""},
      {"/skald/api/v1/export", {{"query", kAll}, {"format", "bogus"}}, "", ""},
  };
  for (const Probe& p : bad) {
    auto a = s.Get(p.path, p.params, kTenantA);
    CheckNoLeak(RequestText(p), a->body, RequestText(p));
  }
  // Without an org ID nothing is answered at all.
  auto none = s.Get("/loki/api/v1/query_range", {{"query", kAll}}, "");
  CHECK(none->status == 401);
  CheckNoLeak("no org id", none->body);
}
