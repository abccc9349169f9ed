// ChunkFiles: appends chunks to per-tenant, per-day segment files under the chunks root
// (`<tenant>/<yyyy-mm-dd>/<seq>.skc`, rolled at a size) and reads headers and blocks back.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/chunk/chunk_format.h"
#include "store/chunk/header_cache.h"
#include "store/fs/file_system.h"

namespace skald::chunk {

class ChunkFiles {
 public:
  ChunkFiles(fs::FileSystem* fsys, std::string root, uint64_t roll_size = 256ULL << 20);

  // Appends one chunk (blocks in order) to the file for (tenant, day of min_ts). Not yet durable:
  // call SyncAll() before recording the returned ref in the index. Thread-safe.
  Result<ChunkRef> Append(const std::string& tenant, uint64_t fingerprint,
                          const std::vector<BlockPtr>& blocks);
  Status SyncAll();
  // Closes files not appended to (read handles: not read) since the previous call, which keeps
  // the fd count bounded.
  void CloseIdle();
  // Maintenance (compactor, with flushes paused, before it deletes `rel`): syncs and closes the
  // append handle of `rel` if open, so the next append to that day re-picks its file (the highest
  // sequence number), and drops its read handle, so a later file of the same name is opened anew.
  Status CloseFile(const std::string& rel);

  // Object storage (store/shipper): a sealed file takes no more appends (the next chunk of its
  // tenant-day starts a new <seq>.skc), so it can be uploaded as an immutable object. Unseal once
  // the local copy is removed. Thread-safe.
  Status Seal(const std::string& rel);
  void Unseal(const std::string& rel);
  // Where reads of a file that is not on the local disk go (a shipped segment in the bucket).
  using RemoteOpen = std::function<Result<std::shared_ptr<const fs::RandomAccessFile>>(const std::string& rel)>;
  void SetRemote(RemoteOpen fn) { remote_ = std::move(fn); }

  // Reads and checks a chunk's header (block metas) without reading its blocks.
  Result<ChunkHeader> ReadHeader(const ChunkRef& ref) const;
  // The same, kept in memory (kHeaderCacheBytes, LRU) for the queries that read it again; the
  // entries of a file go with CloseFile.
  Result<std::shared_ptr<const ChunkHeader>> Header(const ChunkRef& ref) const;
  static constexpr size_t kHeaderCacheBytes = 8u << 20;
  // Reads the compressed bytes of block i (offsets from the header).
  Status ReadBlock(const ChunkRef& ref, const ChunkHeader& h, size_t i, std::string* out) const;

  const std::string& root() const { return root_; }
  // Directory-safe form of a tenant id (bytes outside [A-Za-z0-9_-] become %XX).
  static std::string EscapeTenant(const std::string& tenant);

 private:
  struct OpenFile {
    std::string rel;
    std::unique_ptr<fs::WritableFile> file;
    bool dirty = false, used = false;
  };
  Result<OpenFile*> FileFor(const std::string& tenant, int64_t min_ts, uint64_t need);
  Result<std::string> NextFileName(const std::string& dir_rel, uint64_t need);
  // A query reads many blocks of few files: each file's read handle stays open between reads
  // (open + close per block cost more system time than the reads, and slowed the WAL's fsyncs).
  struct Reader {
    std::shared_ptr<const fs::RandomAccessFile> file;
    bool used = false;
  };
  static constexpr size_t kMaxReaders = 128;
  Result<std::shared_ptr<const fs::RandomAccessFile>> ReaderFor(const std::string& rel) const;

  fs::FileSystem* fs_;
  std::string root_;
  uint64_t roll_size_;
  mutable std::mutex mu_;
  std::map<std::string, OpenFile> open_;      // key: "<tenant>/<day>"
  std::set<std::string> sealed_;              // rels that take no appends; mu_
  std::map<std::string, uint64_t> high_seq_;  // per "<tenant>/<day>": highest sequence used; mu_
  RemoteOpen remote_;                         // set before any read
  mutable std::mutex read_mu_;
  mutable std::map<std::string, Reader> readers_;   // key: the file's path under root; read_mu_
  mutable uint64_t close_gen_ = 0;                  // bumped by CloseFile; read_mu_
  mutable HeaderCache headers_{kHeaderCacheBytes};
};

}  // namespace skald::chunk
