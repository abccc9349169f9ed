// ObjectChunkFile: a shipped chunk segment read through the bounded local cache, behind the same
// RandomAccessFile seam as a local segment, so ChunkFiles and every reader above it are unchanged.
#pragma once

#include <memory>
#include <string>

#include "store/fs/file_system.h"

namespace skald::objstore {
class ObjectCache;
}

namespace skald::shipper {

// `rel` is the chunks-root-relative name; the object is kChunksPrefix + rel. The cache must
// outlive the returned file.
std::shared_ptr<const fs::RandomAccessFile> OpenObjectChunkFile(objstore::ObjectCache* cache,
                                                                const std::string& rel);

}  // namespace skald::shipper
