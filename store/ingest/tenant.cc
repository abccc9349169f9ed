// Tenant ID checks with dskit's messages.
#include "store/ingest/tenant.h"

namespace skald::ingest {

Status ValidateTenantId(std::string_view id) {
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '!' ||
              c == '-' || c == '_' || c == '.' || c == '*' || c == '\'' || c == '(' || c == ')';
    if (!ok)
      return Status::Invalid("tenant ID '" + std::string(id) + "' contains unsupported character '" +
                             std::string(1, c) + "'");
  }
  if (id.size() > 150) return Status::Invalid("tenant ID is too long: max 150 characters");
  if (id == "." || id == "..") return Status::Invalid("tenant ID is '.' or '..'");
  return Status::Ok();
}

Result<std::string> ResolvePushTenant(bool auth_enabled, std::string_view org_id) {
  if (!auth_enabled) return std::string(kNoAuthTenant);
  if (org_id.empty()) return Status(Code::kUnauthorized, "no org id");
  // `a|b` lists tenants; after de-duplication exactly one must remain for a push.
  std::string_view first;
  for (size_t start = 0;;) {
    size_t bar = org_id.find('|', start);
    std::string_view id = org_id.substr(start, bar == std::string_view::npos ? bar : bar - start);
    SKALD_RETURN_IF_ERROR(ValidateTenantId(id));
    if (start == 0) first = id;
    else if (id != first) return Status::Invalid("multiple org IDs present");
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  return std::string(first);
}

}  // namespace skald::ingest
