// Read API: query, query_range, legacy /api/prom/query, and the shared request helpers.
#include "store/api/query_handlers.h"

#include <chrono>

#include "common/logger.h"
#include "common/metrics.h"
#include "common/time_util.h"
#include "store/api/metadata_handlers.h"
#include "store/api/query_params.h"
#include "store/api/response_json.h"
#include "store/api/tail_handler.h"
#include "store/auth/requested_org_id.h"  // header-only: no link dependency on store_auth
#include "store/ingest/tenant.h"
#include "store/query/engine.h"
#include "store/query/log_engine.h"

namespace skald::api {
namespace {

struct QueryApi {
  QueryDeps deps;
  std::unique_ptr<query::Engine> engine;
  metrics::CounterVec* requests = nullptr;
};

bool Categorize(const http::Request& req) {
  return req.get_header_value("X-Loki-Response-Encoding-Flags").find("categorize-labels") !=
         std::string::npos;
}

// Runs an engine request and writes the response; counts it by route and status.
void Answer(QueryApi& api, const std::string& route, const query::QueryRequest& q,
            http::Response& res) {
  auto r = api.engine->Exec(q);
  if (!r.ok()) {
    SKALD_LOG(info, "query failed", {{"route", route}, {"query", q.query}, {"err", r.status().message()}});
    WriteError(res, r.status());
  } else {
    WriteJson(res, EncodeQueryResponse(*r, q.categorize));
  }
  api.requests->WithLabelValues({route, std::to_string(res.status)}).Inc();
}

void RangeQuery(QueryApi& api, const http::Request& req, http::Response& res) {
  auto tenant = ReadTenant(req, api.deps);
  if (!tenant.ok()) return WriteError(res, tenant.status());
  auto p = ParseRangeQuery(req.params, NowNs(api.deps));
  if (!p.ok()) return WriteError(res, p.status());
  query::QueryRequest q{*tenant, p->query, p->start_ns, p->end_ns, p->step_ns, p->interval_ns,
                        p->limit, p->direction, false, Categorize(req), req.cancel};
  Answer(api, "query_range", q, res);
}

void InstantQuery(QueryApi& api, const http::Request& req, http::Response& res) {
  auto tenant = ReadTenant(req, api.deps);
  if (!tenant.ok()) return WriteError(res, tenant.status());
  auto p = ParseInstantQuery(req.params, NowNs(api.deps));
  if (!p.ok()) return WriteError(res, p.status());
  query::QueryRequest q{*tenant, p->query, p->ts_ns, p->ts_ns, 0, 0, p->limit, p->direction,
                        true, Categorize(req), req.cancel};
  Answer(api, "query", q, res);
}

// Legacy /api/prom/query: log queries answer `{"streams":[{"labels":..,"entries":[..]}]}`.
void LegacyQuery(QueryApi& api, const http::Request& req, http::Response& res) {
  auto tenant = ReadTenant(req, api.deps);
  if (!tenant.ok()) return WriteError(res, tenant.status());
  auto p = ParseRangeQuery(req.params, NowNs(api.deps));
  if (!p.ok()) return WriteError(res, p.status());
  query::QueryRequest q{*tenant, p->query, p->start_ns, p->end_ns, p->step_ns, p->interval_ns,
                        p->limit, p->direction, false, false, req.cancel};
  auto r = api.engine->Exec(q);
  if (!r.ok()) return WriteError(res, r.status());
  if (r->type != query::ResultType::kStreams) return WriteJson(res, EncodeQueryResponse(*r, false));
  JsonWriter w;
  w.Raw("{").Key("streams").Raw("[");
  for (size_t i = 0; i < r->streams.size(); i++) {
    if (i) w.Comma();
    w.Raw("{").Key("labels").Str(r->streams[i].labels.ToString()).Comma().Key("entries").Raw("[");
    const auto& es = r->streams[i].entries;
    for (size_t j = 0; j < es.size(); j++) {
      if (j) w.Comma();
      w.Raw("{").Key("ts").Str(FormatRFC3339Nano(es[j].ts_ns)).Comma().Key("line").Str(es[j].line).Raw("}");
    }
    w.Raw("]}");
  }
  w.Raw("]}");
  WriteJson(res, w.Take());
}

using Fn = void (*)(QueryApi&, const http::Request&, http::Response&);

void Route(http::Router& s, const std::string& path, std::shared_ptr<QueryApi> api, Fn fn) {
  auto h = [api, fn](const http::Request& req, http::Response& res) { fn(*api, req, res); };
  s.Get(path, h, http::RouteClass::kQuery);
  s.Post(path, h, http::RouteClass::kQuery);
}

}  // namespace

int64_t NowNs(const QueryDeps& deps) {
  if (deps.now_ns) return deps.now_ns();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

int HttpStatusFor(Code code) {
  switch (code) {
    case Code::kOk: return 200;
    case Code::kInvalidArgument: return 400;
    case Code::kNotFound: return 404;
    case Code::kUnauthorized: return 401;
    case Code::kTooLarge: return 413;
    case Code::kUnprocessable: return 422;
    case Code::kRateLimited: return 429;
    case Code::kCancelled: return 499;
    case Code::kTimeout: return 504;
    case Code::kUnavailable: return 503;
    default: return 500;
  }
}

void WriteError(http::Response& res, const Status& st) {
  res.status = HttpStatusFor(st.code());
  res.set_content(st.message(), "text/plain; charset=utf-8");
}

void WriteJson(http::Response& res, std::string body) {
  res.status = 200;
  res.set_content(std::move(body), "application/json; charset=UTF-8");
}

// X-Scope-OrgID (or a tail upgrade's org_id) as given (`a|b` kept), each tenant id checked;
// `fake` without auth.
static Result<std::string> ReadOrgIds(const http::Request& req, bool auth_enabled) {
  if (!auth_enabled) return std::string(ingest::kNoAuthTenant);
  std::string org = req.tenant_override.empty() ? auth::RequestedOrgId(req) : req.tenant_override;
  if (org.empty()) return Status(Code::kUnauthorized, "no org id");
  size_t pos = 0;
  while (true) {
    size_t bar = org.find('|', pos);
    std::string_view one = std::string_view(org).substr(pos, bar == std::string::npos ? std::string::npos : bar - pos);
    SKALD_RETURN_IF_ERROR(ingest::ValidateTenantId(one));
    if (bar == std::string::npos) break;
    pos = bar + 1;
  }
  return org;
}

Result<std::string> ReadTenant(const http::Request& req, bool auth_enabled, bool multi_tenant) {
  return multi_tenant ? ReadOrgIds(req, auth_enabled) : ReadSingleTenant(req, auth_enabled);
}

Result<std::string> ReadSingleTenant(const http::Request& req, bool auth_enabled) {
  auto tenant = ReadOrgIds(req, auth_enabled);
  if (!tenant.ok()) return tenant.status();
  std::vector<std::string> tenants = query::SplitTenants(*tenant);
  if (tenants.size() != 1) return Status::Invalid("multiple org IDs present");
  return tenants[0];
}

void RegisterQueryRoutes(http::Router& server, QueryDeps deps) {
  auto api = std::make_shared<QueryApi>();
  api->deps = deps;
  query::EngineOptions opts;
  opts.max_entries_limit_per_query = deps.limits.max_entries_limit_per_query;
  opts.max_query_length_ns = deps.limits.max_query_length_ns;
  opts.max_query_series = deps.limits.max_query_series;
  opts.parallelism = deps.parallelism;
  opts.query_timeout_ns = deps.limits.query_timeout_ns;
  opts.max_query_bytes_read = deps.limits.max_query_bytes_read;
  opts.max_querier_bytes_read = deps.limits.max_querier_bytes_read;
  opts.max_query_memory = deps.limits.max_query_memory;
  api->engine = std::make_unique<query::Engine>(deps.reader, opts);
  api->requests = &metrics::Registry::Default().NewCounterVec(
      "skald_query_requests_total", "Query API requests by route and HTTP status.", {"route", "status"});
  Route(server, "/loki/api/v1/query_range", api, RangeQuery);
  Route(server, "/loki/api/v1/query", api, InstantQuery);
  Route(server, "/api/prom/query", api, LegacyQuery);
  RegisterMetadataRoutes(server, deps);
  RegisterTailRoute(server, deps);
}

}  // namespace skald::api
