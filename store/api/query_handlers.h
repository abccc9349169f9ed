// Loki's read API routes: query, query_range (and the legacy /api/prom/query), plus the wiring of
// the metadata and tail routes. Every route answers GET and POST (form body).
#pragma once

#include "common/http/router.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "store/head/store_reader.h"
#include "store/store_config.h"

namespace skald::api {

struct QueryDeps {
  StoreReader* reader = nullptr;       // must outlive the server
  LimitsConfig limits;
  bool auth_enabled = true;
  bool multi_tenant_queries = false;   // querier.multi_tenant_queries_enabled: `a|b` reads both
  int64_t tail_max_duration_ns = 3600LL * 1000000000LL;
  int parallelism = 2;                 // worker threads per large query
  std::string version = "2.9.3";       // /status/buildinfo
  std::function<int64_t()> now_ns;     // unset = the system clock (tests pin it)
};

// Registers every read route on `server`.
void RegisterQueryRoutes(http::Router& server, QueryDeps deps);

// --- shared by the read handlers ----------------------------------------------------------------

// `fake` without auth; else X-Scope-OrgID, 401 `no org id` when missing. `a|b` (several tenants)
// only with `multi_tenant` (querier.multi_tenant_queries_enabled), else 400 as ReadSingleTenant.
Result<std::string> ReadTenant(const http::Request& req, bool auth_enabled, bool multi_tenant);
inline Result<std::string> ReadTenant(const http::Request& req, const QueryDeps& d) {
  return ReadTenant(req, d.auth_enabled, d.multi_tenant_queries);
}
// ReadTenant for the endpoints Loki keeps to one tenant (tail, ruler): `a|a` is `a`, while `a|b` is
// 400 `multiple org IDs present`.
Result<std::string> ReadSingleTenant(const http::Request& req, bool auth_enabled);
// Plain-text error body (no trailing newline) with the HTTP status for `st.code()`.
void WriteError(http::Response& res, const Status& st);
void WriteJson(http::Response& res, std::string body);
int HttpStatusFor(Code code);
int64_t NowNs(const QueryDeps& deps);

}  // namespace skald::api
