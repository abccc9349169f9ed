// Loki's log deletion API: POST/PUT (create), GET (list) and DELETE (cancel) on
// /loki/api/v1/delete and the /loki/api/admin/delete alias, backed by retention::DeleteRequests.
#pragma once

#include "common/http/router.h"

#include <cstdint>
#include <functional>
#include <string>

#include "store/retention/delete_requests.h"
#include "store/retention/deletion_mode.h"

namespace skald::api {

struct DeleteDeps {
  retention::DeleteRequests* requests = nullptr;   // null: deletion disabled → 400
  bool auth_enabled = true;
  int64_t cancel_period_ns = 24LL * 3600 * 1000000000LL;
  std::function<int64_t()> now_ns;                  // null = system clock
  // The tenant's deletion_mode (limits_config / runtime overrides); null = filter-and-delete.
  // kDisabled answers every delete route with Loki's 403 "deletion is not available for this tenant".
  std::function<retention::DeletionMode(const std::string& tenant)> mode;
};

void RegisterDeleteRoutes(http::Router& server, DeleteDeps deps);

// `start`/`end` of a delete request: RFC3339, or unix seconds written with exactly 10 digits.
Result<int64_t> ParseDeleteTime(const std::string& v);

}  // namespace skald::api
