// File helpers for snapshots and restores: copy a file's first N bytes with a running CRC-32C,
// hard-link with a copy fallback, and "is this directory usable as a fresh target".
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace skald::backup {

// Copies the first `n` bytes of src to dst (created, must not exist), fsyncs dst, and returns the
// CRC-32C of the copied bytes. Fails if src holds fewer than n bytes.
Result<uint32_t> CopyPrefix(const std::string& src, const std::string& dst, uint64_t n);
// Creates (or replaces) path with `data` and fdatasyncs it.
Status WriteFileSynced(const std::string& path, const std::string& data);
// Size and CRC-32C of a whole file.
Status FileCrc(const std::string& path, uint64_t* size, uint32_t* crc);
// link(2); false (no error) when the two paths are on different filesystems or links are refused.
bool TryHardLink(const std::string& src, const std::string& dst);
// OK when `dir` does not exist or is an empty directory; creates it (and parents).
Status PrepareEmptyDir(const std::string& dir);
// mkdir -p of the parent of `path`.
Status MkdirParent(const std::string& path);
Status SyncDir(const std::string& dir);
std::string Join(const std::string& a, const std::string& b);

}  // namespace skald::backup
