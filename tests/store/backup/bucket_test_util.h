// Helpers for the bucket backup suites: a directory bucket (FsObjectStore) filled with index
// objects and chunk segment objects as the shipper names them, and a wrapper that runs a hook
// before a download (a compactor acting mid-backup) and records upload order.
#pragma once

#include <catch.hpp>

#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/objstore/fs_object_store.h"
#include "store/shipper/index_file.h"
#include "tests/store/wal/temp_dir.h"

namespace skald::testing {

// A file's whole content ("" when it cannot be read).
inline std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::unique_ptr<objstore::FsObjectStore> OpenDirBucket(const std::string& dir) {
  auto b = objstore::FsObjectStore::Open(dir);
  REQUIRE(b.ok());
  return std::move(*b);
}

// A chunk segment object of `size` bytes (content need not decode: backup checks digests and extents).
inline void PutChunkObject(objstore::ObjectStore& b, const std::string& file, size_t size) {
  std::string data(size, '\0');
  for (size_t i = 0; i < size; ++i) data[i] = static_cast<char>((i * 131 + file.size()) & 0xff);
  REQUIRE(b.Put("chunks/" + file, data).ok());
}

// An index object with one stream whose chunk rows point at [0, 100) of each file in `files`.
inline void PutIndexObject(objstore::ObjectStore& b, const std::string& scratch, const std::string& key,
                           const std::vector<std::string>& files, const std::vector<std::string>& sources = {}) {
  shipper::IndexFileContents c;
  c.node = sources.empty() ? "w1" : "compactor";
  c.created_ns = 1764842400000000000LL;
  c.streams.push_back({1, "fake", 42, LabelSet(std::vector<Label>{{"app", "a"}})});
  for (const auto& f : files) {
    shipper::IndexFileChunk ch;
    ch.stream_id = 1;
    ch.ref.file = f;
    ch.ref.offset = 0;
    ch.ref.length = 100;
    ch.ref.entries = 1;
    c.chunks.push_back(ch);
  }
  c.sources = sources;
  const std::string path = scratch + "/index-put.sqlite";
  REQUIRE(shipper::WriteIndexFile(path, c).ok());
  REQUIRE(b.PutFile(key, path).ok());
}

// Forwards to another ObjectStore; `before_get(key)` runs before each download, `puts` records
// every uploaded key in order. Both under one lock (backup and restore copy several objects at once).
class HookedStore : public objstore::ObjectStore {
 public:
  explicit HookedStore(objstore::ObjectStore* inner) : inner_(inner) {}
  std::function<void(const std::string&)> before_get;
  std::vector<std::string> puts;

  Status Put(const std::string& k, const std::string& d) override { Record(k); return inner_->Put(k, d); }
  Status PutFile(const std::string& k, const std::string& p) override { Record(k); return inner_->PutFile(k, p); }
  Status Get(const std::string& k, uint64_t o, uint64_t n, std::string* out) override {
    Hook(k);
    return inner_->Get(k, o, n, out);
  }
  Status GetFile(const std::string& k, const std::string& p) override {
    Hook(k);
    return inner_->GetFile(k, p);
  }
  Result<objstore::ObjectInfo> Head(const std::string& k) override { return inner_->Head(k); }
  Result<std::vector<objstore::ObjectInfo>> List(const std::string& p) override { return inner_->List(p); }
  Status Delete(const std::string& k) override { return inner_->Delete(k); }
  std::string Describe() const override { return "hooked+" + inner_->Describe(); }

 private:
  void Record(const std::string& k) {
    std::lock_guard<std::mutex> l(mu_);
    puts.push_back(k);
  }
  void Hook(const std::string& k) {
    std::lock_guard<std::mutex> l(mu_);
    if (before_get) before_get(k);
  }
  objstore::ObjectStore* inner_;
  std::mutex mu_;
};

}  // namespace skald::testing
