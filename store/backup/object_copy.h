// Copying one object between two ObjectStores (a bucket and a backup directory, either way) through
// a local scratch file, with the SHA-256 and size of the bytes copied, for bucket backup/restore.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "store/backup/bucket_manifest.h"
#include "store/objstore/object_store.h"

namespace skald::backup {

// SHA-256 (lowercase hex) and size of a whole local file, read in 1 MiB pieces.
Status Sha256File(const std::string& path, std::string* hex, uint64_t* size);

// Downloads `key` from src into <scratch_dir>/copy-<n>, hashes it, uploads it to dst under the
// same key and removes the scratch file. NotFound when src no longer has the key. When `expect`
// is given, the downloaded bytes must match its size and digest before anything is uploaded
// (Corruption naming the key otherwise). Fills *out with what was copied.
Status CopyObject(objstore::ObjectStore& src, objstore::ObjectStore& dst, const std::string& key,
                  const std::string& scratch_dir, const BucketObject* expect, BucketObject* out);

}  // namespace skald::backup
