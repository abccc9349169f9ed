// Live tail over WebSocket on the API port (`/loki/api/v1/tail`): the handler validates and runs
// the history query, then hands the connection to a session that one shared ticker feeds.
#pragma once

#include "common/http/router.h"

#include "store/api/query_handlers.h"

namespace skald::api {

void RegisterTailRoute(http::Router& server, const QueryDeps& deps);

}  // namespace skald::api
