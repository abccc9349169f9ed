// Consistent copies of the SQLite index with the online backup API (its own connections, so the
// store keeps serving), and the per-file extent of the chunks a copied index references.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "common/status.h"

namespace skald::backup {

// Copies the database at src to dst (must not exist) in one read transaction; dst ends in
// rollback-journal mode, so it is one self-contained file.
Status BackupSqlite(const std::string& src, const std::string& dst);
// file (relative to chunks/) -> highest offset+length of a chunk row in it.
Result<std::map<std::string, uint64_t>> ChunkFileExtents(const std::string& index_path);

// Runs a read-only query on the database at path, calling fn for every row.
Status QueryDb(const std::string& path, const char* sql, const std::function<void(sqlite3_stmt*)>& fn);

}  // namespace skald::backup
