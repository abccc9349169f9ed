// The scope each HTTP route needs when credentials are on: one table (route_scopes.cc) that
// classifies every route skald-store registers; routes missing from it need `admin` (fail closed).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace skald::auth {

// Bit flags: a credential holds a set of scopes.
enum Scope : uint32_t {
  kScopeNone = 0,
  kScopePush = 1,
  kScopeRead = 2,
  kScopeAdmin = 4,
};

// What a route needs: nothing (open: health checks) or one scope.
struct RouteRule {
  bool open = false;
  Scope scope = kScopeAdmin;
};

// `method` and `pattern` as registered with http::Router. `open_metrics`: GET /metrics is open
// (else it needs admin).
RouteRule RequiredScope(std::string_view method, std::string_view pattern, bool open_metrics);

// "push", "read", "admin" → the flag; kScopeNone for anything else.
Scope ParseScope(std::string_view name);
const char* ScopeName(Scope s);

}  // namespace skald::auth
