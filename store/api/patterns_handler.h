// /loki/api/v1/patterns (Grafana's Explore Logs / Logs Drilldown): the selected streams' newest
// lines in [start, end) mined into `<_>` patterns at query time, with line counts per step.
#pragma once

#include "common/http/router.h"

#include "store/api/query_handlers.h"

namespace skald::api {

// Lines read per request at most (split over the streams, newest first); a capped answer is logged.
inline constexpr int64_t kPatternMaxLines = 100000;

void RegisterPatternRoutes(http::Router& server, const QueryDeps& deps);

}  // namespace skald::api
