// The tenant a request names, read the same way by the authentication guard and the query API: the
// X-Scope-OrgID header, or the Skald-only `org_id` parameter on live tail WebSocket upgrades only.
#pragma once

#include <string>
#include <string_view>

#include "common/http/message.h"

namespace skald::auth {

// A browser's WebSocket cannot set headers, so the web UI names the live tail's tenant with
// `?org_id=<tenant>` (docs/COMPATIBILITY.md). Loki has no such parameter.
inline constexpr const char* kTailOrgIdParam = "org_id";

// GET /loki/api/v1/tail or /api/prom/tail whose `Upgrade` header lists the `websocket` token.
inline bool IsTailUpgrade(const http::Request& req) {
  if (req.method != "GET" || (req.path != "/loki/api/v1/tail" && req.path != "/api/prom/tail")) return false;
  const std::string v = req.get_header_value("Upgrade");
  size_t pos = 0;
  while (pos <= v.size()) {
    size_t comma = v.find(',', pos);
    std::string_view t = std::string_view(v).substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
    if (t.size() == 9) {
      std::string lower(t);
      for (char& c : lower) c = (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
      if (lower == "websocket") return true;
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return false;
}

// X-Scope-OrgID when the request has it (the header wins over the parameter); else, on a tail
// upgrade, the `org_id` query parameter; else "". Callers check the value as they check the header.
inline std::string RequestedOrgId(const http::Request& req) {
  std::string org = req.get_header_value("X-Scope-OrgID");
  if (org.empty() && IsTailUpgrade(req)) org = req.get_param_value(kTailOrgIdParam);
  return org;
}

}  // namespace skald::auth
