// Loki's metadata routes: labels, label values, series, index stats and volume, detected labels
// and fields, format_query and build info. Registered by RegisterQueryRoutes.
#pragma once

#include "common/http/router.h"

#include <string>

#include "common/matcher.h"
#include "common/status.h"
#include "store/api/query_handlers.h"

namespace skald::api {

void RegisterMetadataRoutes(http::Router& server, const QueryDeps& deps);

// Matchers of a `query` parameter: empty or `{}` = none (all streams); a selector; or the first
// stream selector of any LogQL expression.
Result<Matchers> QueryMatchers(const std::string& query);

}  // namespace skald::api
