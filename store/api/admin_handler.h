// Skald's admin routes: POST /skald/admin/backup?dir=<path> writes an online snapshot (see
// store/backup/FORMAT.md) on the store's own filesystem and answers with what it wrote.
#pragma once

#include "common/http/router.h"
#include "common/status.h"

#include <string>
#include <utility>
#include <vector>

namespace skald::head {
class Ingester;
}

namespace skald::api {

// Where backups may go (skald_backup in the store config, docs/SECURITY.md).
struct BackupPathPolicy {
  std::string root_dir;       // "" = any absolute path (unless root_required)
  bool root_required = false; // true with a credentials file: no root → every backup is refused
};

// The directory a backup request may write: with a root, `dir` (absolute, or relative to the root)
// must resolve strictly below the root's real path, following symbolic links in the existing
// part and refusing `..` and a symbolic link as the target itself. InvalidArgument (400) otherwise.
Result<std::string> ResolveBackupDir(const BackupPathPolicy& policy, const std::string& dir);

// `ingester` must outlive the server. One backup runs at a time; a second answers 409.
// `extra_sqlite`: further databases every snapshot includes (see backup::TakeSnapshot).
void RegisterAdminRoutes(http::Router& server, head::Ingester* ingester, BackupPathPolicy policy = {},
                         std::vector<std::pair<std::string, std::string>> extra_sqlite = {});

}  // namespace skald::api
