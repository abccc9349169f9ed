// Positional reads of a shipped segment: each goes to the object cache (pages from the bucket).
#include "store/shipper/object_chunk_file.h"

#include "store/objstore/object_cache.h"
#include "store/shipper/bucket_layout.h"

namespace skald::shipper {
namespace {

class ObjectChunkFile : public fs::RandomAccessFile {
 public:
  ObjectChunkFile(objstore::ObjectCache* cache, std::string key) : cache_(cache), key_(std::move(key)) {}
  // A chunk object the index names but the bucket lacks is damage (or a retention race), not a
  // missing resource of the client's: never a 404 to the query.
  Status Read(uint64_t offset, size_t n, std::string* out) const override {
    Status st = cache_->Read(key_, offset, n, out);
    if (st.code() == Code::kNotFound) return Status::Corruption("chunk object missing from the bucket: " + st.message());
    return st;
  }

 private:
  objstore::ObjectCache* cache_;
  std::string key_;
};

}  // namespace

std::shared_ptr<const fs::RandomAccessFile> OpenObjectChunkFile(objstore::ObjectCache* cache,
                                                                const std::string& rel) {
  return std::make_shared<ObjectChunkFile>(cache, kChunksPrefix + rel);
}

}  // namespace skald::shipper
