// Skald's admin routes: POST /skald/admin/backup?dir=<path> writes an online snapshot (see
// store/backup/FORMAT.md) on the store's own filesystem and answers with what it wrote.
#pragma once

#include "common/http/router.h"

#include <string>
#include <utility>
#include <vector>

namespace skald::head {
class Ingester;
}

namespace skald::api {

// `ingester` must outlive the server. One backup runs at a time; a second answers 409.
// `extra_sqlite`: further databases every snapshot includes (see backup::TakeSnapshot).
void RegisterAdminRoutes(http::Router& server, head::Ingester* ingester,
                         std::vector<std::pair<std::string, std::string>> extra_sqlite = {});

}  // namespace skald::api
