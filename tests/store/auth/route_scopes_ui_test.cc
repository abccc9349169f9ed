// The web UI's static files are open when credentials are on (they hold no data); the API calls the
// UI makes keep needing `read`, and unknown paths under / stay admin-only.
#include <catch.hpp>

#include "store/auth/route_scopes.h"

using namespace skald::auth;

TEST_CASE("UI routes are open, the API they call needs read") {
  CHECK(RequiredScope("GET", "/", false).open);
  CHECK(RequiredScope("GET", "/ui", false).open);
  CHECK(RequiredScope("GET", "/ui/(.*)", false).open);
  CHECK_FALSE(RequiredScope("POST", "/ui/(.*)", false).open);
  CHECK_FALSE(RequiredScope("GET", "/uix", false).open);
  RouteRule q = RequiredScope("GET", "/loki/api/v1/query_range", false);
  CHECK_FALSE(q.open);
  CHECK(q.scope == kScopeRead);
  CHECK(RequiredScope("GET", "/loki/api/v1/tail", false).scope == kScopeRead);
}
