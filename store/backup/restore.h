// Restore: copies a snapshot into an empty data dir, checking every file against the MANIFEST, so a
// store started on that dir replays the snapshot's WAL and serves everything it held.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace skald::backup {

struct RestoreReport {
  int64_t files = 0, bytes = 0;
};

// `to` must be absent or empty. Fails (leaving `to` empty) when the MANIFEST is missing or bad or
// any file is missing, of the wrong size or fails its CRC-32C; the message names the file.
Result<RestoreReport> Restore(const std::string& from, const std::string& to);

}  // namespace skald::backup
