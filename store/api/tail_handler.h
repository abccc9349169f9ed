// Live tail over WebSocket on the API port (`/loki/api/v1/tail`). cpp-httplib 0.11 has no
// WebSocket support, so the handler answers the upgrade with a 101 and writes RFC 6455 frames
// itself through a length-less content provider; the session holds one server thread.
#pragma once

#include <httplib.h>

#include "store/api/query_handlers.h"

namespace skald::api {

void RegisterTailRoute(httplib::Server& server, const QueryDeps& deps);

}  // namespace skald::api
