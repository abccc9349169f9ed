// Opening the store's SQLite files (label index, compactor marks, delete requests) the same way:
// create if missing, a 5 s busy timeout, then the caller's schema script (CREATE ... IF NOT EXISTS,
// PRAGMAs). One place for the open + schema boilerplate and its error wording.
#pragma once

#include <sqlite3.h>

#include <string>

#include "common/status.h"

namespace skald::index {

// Opens (creating) `path` into *db and runs `schema`. `what` prefixes error messages ("index").
// `serialized`: SQLITE_OPEN_FULLMUTEX (used from several threads) instead of NOMUTEX. On error *db
// may still hold a handle: the caller closes it as usual (sqlite3_close accepts null).
Status OpenSqlite(const std::string& path, bool serialized, const char* schema, const std::string& what,
                  sqlite3** db);

}  // namespace skald::index
