// FsObjectStore: ObjectStore over a local directory (keys are relative paths), for
// `object_store: filesystem` and for testing the code above the seam without a server.
#pragma once

#include <string>
#include <vector>

#include "store/objstore/object_store.h"

namespace skald::objstore {

// Thread-safe. Put writes <root>/.tmp/<unique> + fsync, renames it onto <root>/<key> and fsyncs
// the directory, so a crash leaves either the old object or the new one. List walks <root>
// recursively (skipping .tmp/) and returns keys sorted. Keys with empty, "." or ".." segments, a
// leading '/', NUL, or starting with ".tmp/" are Invalid.
class FsObjectStore : public ObjectStore {
 public:
  // Creates root (and root/.tmp) when missing; removes leftover temp files.
  static Result<std::unique_ptr<FsObjectStore>> Open(const std::string& root);

  Status Put(const std::string& key, const std::string& data) override;
  Status PutFile(const std::string& key, const std::string& path) override;
  Status Get(const std::string& key, uint64_t offset, uint64_t n, std::string* out) override;
  Status GetFile(const std::string& key, const std::string& path) override;
  Result<ObjectInfo> Head(const std::string& key) override;
  Result<std::vector<ObjectInfo>> List(const std::string& prefix) override;
  Status Delete(const std::string& key) override;
  std::string Describe() const override;

 private:
  explicit FsObjectStore(std::string root) : root_(std::move(root)) {}
  Status CheckKey(const std::string& key) const;
  // Writes bytes from `write` into a temp file and renames it onto `dest` durably.
  Status Publish(const std::string& dest, const std::string& data);
  std::string TempPath() const;

  std::string root_;
};

}  // namespace skald::objstore
