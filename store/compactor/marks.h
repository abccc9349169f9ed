// Marks: chunk segment files found dead (no index row points into them) and when, persisted in
// SQLite in the compactor working directory so the retention_delete_delay survives restarts.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/status.h"

namespace skald::compactor {

// Thread-safe.
class Marks {
 public:
  static Result<std::unique_ptr<Marks>> Open(const std::string& path);
  ~Marks();

  // file (relative to the chunks root) → when it was first seen dead (unix ns).
  Result<std::map<std::string, int64_t>> All() const;
  Status Add(const std::string& file, int64_t now_ns);   // keeps an existing mark's time
  Status Remove(const std::string& file);

 private:
  Marks() = default;
  Status Exec(const std::string& sql, const std::string& file, int64_t n);
  sqlite3* db_ = nullptr;
  mutable std::mutex mu_;
};

}  // namespace skald::compactor
