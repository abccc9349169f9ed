// The built-in web UI's routes: `/` and `/ui` redirect to `ui/` (relative, so a reverse proxy's
// path prefix survives), `/ui/<file>` serves the embedded bundle (ui_assets.h) with gzip and caching.
#pragma once

#include <string_view>

#include "common/http/router.h"

namespace skald::api {

// Registers GET /, /ui and /ui/(.*). Without an embedded bundle, / and /ui/ answer a short HTML note.
void RegisterUiRoutes(http::Router& router);

// True when an Accept-Encoding header value allows gzip (a "gzip" or "*" token without q=0).
bool AcceptsGzip(std::string_view accept_encoding);

}  // namespace skald::api
