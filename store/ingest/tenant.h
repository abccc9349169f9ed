// Push tenant resolution as Loki's auth middleware and tenant package do: `fake` without auth,
// else exactly one valid X-Scope-OrgID.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace skald::ingest {

inline constexpr const char* kNoAuthTenant = "fake";

// auth disabled → "fake". Enabled: missing header → kUnauthorized `no org id`; several tenants
// (`a|b`) → 400 `multiple org IDs present`; bad characters or > 150 chars → 400 with dskit's text.
Result<std::string> ResolvePushTenant(bool auth_enabled, std::string_view org_id);
// dskit's ValidTenantID: [a-zA-Z0-9!-_.*'()], at most 150 bytes, not `.` or `..`.
Status ValidateTenantId(std::string_view id);

}  // namespace skald::ingest
