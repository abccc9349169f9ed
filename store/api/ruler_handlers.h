// The ruler's HTTP API: the rule-config API in YAML (/loki/api/v1/rules, /api/prom/rules: list,
// get, set, delete) when enable_api, and Prometheus' /prometheus/api/v1/rules and /alerts JSON.
#pragma once

#include "common/http/router.h"

namespace skald::ruler {
class Ruler;
}

namespace skald::api {

// ruler must outlive the server. enable_api gates the config (YAML) routes only.
void RegisterRulerRoutes(http::Router& server, ruler::Ruler* ruler, bool auth_enabled,
                         bool enable_api);

}  // namespace skald::api
