// ObjectStore: the seam between the store and a bucket (S3-compatible or a directory), so the
// shipper, the index sync, chunk reads and the compactor work the same on either backend.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace skald::objstore {

struct ObjectInfo {
  std::string key;          // full key, relative to the bucket (and the configured prefix)
  uint64_t size = 0;
  std::string etag;         // as the server gives it (quotes stripped); "" when unknown
  int64_t mtime_ns = 0;     // last modified; 0 when unknown
};

// Thread-safe: every call may come from any thread at once. Keys are '/'-separated, no leading '/'.
// Errors: NotFound for a missing key; Unavailable after retries are exhausted (the backend is down
// or overloaded); IOError/Corruption for what retrying cannot fix; Invalid for a bad key.
class ObjectStore {
 public:
  virtual ~ObjectStore() = default;
  // Writes the whole object; after Ok it is durable and visible to List/Get from any node.
  virtual Status Put(const std::string& key, const std::string& data) = 0;
  // Uploads a local file (multipart above the backend's part size); same guarantees as Put.
  virtual Status PutFile(const std::string& key, const std::string& path) = 0;
  // Bytes [offset, offset+n) of the object (fewer at its end); n == UINT64_MAX reads to the end.
  virtual Status Get(const std::string& key, uint64_t offset, uint64_t n, std::string* out) = 0;
  // Downloads the whole object into a local file (written to path + ".tmp", then renamed).
  virtual Status GetFile(const std::string& key, const std::string& path) = 0;
  virtual Result<ObjectInfo> Head(const std::string& key) = 0;
  // Every object whose key starts with `prefix`, sorted by key (all pages).
  virtual Result<std::vector<ObjectInfo>> List(const std::string& prefix) = 0;
  // Deleting a missing key is Ok (S3 semantics).
  virtual Status Delete(const std::string& key) = 0;
  // "s3://bucket/prefix" or "file:///dir": for logs and /config.
  virtual std::string Describe() const = 0;
};

}  // namespace skald::objstore
