// The route → scope table (see route_scopes.h). Every route registered in store/api and
// store/store_app.cc is listed; docs/SECURITY.md shows the same table.
#include "store/auth/route_scopes.h"

namespace skald::auth {
namespace {

enum class Match { kExact, kPrefix };

struct Entry {
  const char* method;  // "*": any
  Match match;
  const char* pattern;
  bool open;
  Scope scope;
};

// First match wins. Patterns are the router's regular expressions as registered.
constexpr Entry kTable[] = {
    // Health and build information: open so load balancers and Grafana's version probe work.
    {"GET", Match::kExact, "/ready", true, kScopeNone},
    {"GET", Match::kExact, "/loki/api/v1/status/buildinfo", true, kScopeNone},
    {"GET", Match::kExact, "/services", true, kScopeNone},   // module states, as Loki leaves it open
    // The web UI's static files (docs/UI.md): open, they hold no data; the API calls the UI makes
    // need `read`, and their 401 (WWW-Authenticate: Basic) makes the browser ask for credentials.
    {"GET", Match::kExact, "/", true, kScopeNone},
    {"GET", Match::kExact, "/ui", true, kScopeNone},
    {"GET", Match::kPrefix, "/ui/", true, kScopeNone},
    // The effective configuration (paths, limits): operators only.
    {"GET", Match::kExact, "/config", false, kScopeAdmin},
    // Ingestion.
    {"POST", Match::kExact, "/loki/api/v1/push", false, kScopePush},
    {"POST", Match::kExact, "/api/prom/push", false, kScopePush},
    // Deletes, listing included (requests name other operators' selectors): admin.
    {"*", Match::kExact, "/loki/api/v1/delete", false, kScopeAdmin},
    {"*", Match::kExact, "/loki/api/admin/delete", false, kScopeAdmin},
    // Rule configuration: reading is `read`, writing and deleting is `admin`.
    {"GET", Match::kPrefix, "/loki/api/v1/rules", false, kScopeRead},
    {"GET", Match::kPrefix, "/api/prom/rules", false, kScopeRead},
    {"*", Match::kPrefix, "/loki/api/v1/rules", false, kScopeAdmin},
    {"*", Match::kPrefix, "/api/prom/rules", false, kScopeAdmin},
    // Operations: flush, online backup, bulk export, anything else under /skald/.
    {"*", Match::kExact, "/flush", false, kScopeAdmin},
    // A read node fetching a write node's unshipped entries (store/cluster/FORMAT.md): a query.
    {"GET", Match::kPrefix, "/skald/internal/v1/", false, kScopeRead},
    {"*", Match::kPrefix, "/skald/", false, kScopeAdmin},
    // Queries, labels, series, index stats, patterns, detected fields, tail (WebSocket), and the
    // Prometheus-style rules/alerts listings.
    {"GET", Match::kPrefix, "/loki/api/", false, kScopeRead},
    {"POST", Match::kPrefix, "/loki/api/", false, kScopeRead},
    {"GET", Match::kPrefix, "/api/prom/", false, kScopeRead},
    {"POST", Match::kPrefix, "/api/prom/", false, kScopeRead},
    {"GET", Match::kPrefix, "/prometheus/", false, kScopeRead},
};

bool Matches(const Entry& e, std::string_view method, std::string_view pattern) {
  if (std::string_view(e.method) != "*" && method != e.method) return false;
  if (e.match == Match::kExact) return pattern == e.pattern;
  return pattern.starts_with(e.pattern);
}

}  // namespace

RouteRule RequiredScope(std::string_view method, std::string_view pattern, bool open_metrics) {
  if (method == "GET" && pattern == "/metrics") return {open_metrics, kScopeAdmin};
  for (const Entry& e : kTable) {
    if (Matches(e, method, pattern)) return {e.open, e.scope};
  }
  return {false, kScopeAdmin};
}

Scope ParseScope(std::string_view name) {
  if (name == "push") return kScopePush;
  if (name == "read") return kScopeRead;
  if (name == "admin") return kScopeAdmin;
  return kScopeNone;
}

const char* ScopeName(Scope s) {
  switch (s) {
    case kScopePush: return "push";
    case kScopeRead: return "read";
    case kScopeAdmin: return "admin";
    default: return "none";
  }
}

}  // namespace skald::auth
