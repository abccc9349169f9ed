// GET/POST /skald/api/v1/export: streams every entry a log query selects in [start, end) as JSON
// lines over chunked transfer, optionally LZ4-framed; no entry limit, memory bounded by one stream.
#pragma once

#include "common/http/router.h"

#include "store/api/query_handlers.h"

namespace skald::api {

// Parameters: query (log selector, line filters and pipeline allowed), start, end (Loki time
// formats; defaults now-1h and now), format=json (default) or lz4. Tenant as for queries.
void RegisterExportRoute(http::Router& server, const QueryDeps& deps);

}  // namespace skald::api
