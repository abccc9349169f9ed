// Test helpers shared by the storage suites: a self-deleting temp dir and a fault-injecting
// FileSystem wrapper (fail writes or syncs on demand).
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "store/fs/file_system.h"

namespace skald::testing {

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/skald-store-test-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string operator/(const std::string& name) const { return path + "/" + name; }
};

// Wraps the default FileSystem; flips to failing Append/Sync when told to.
class FaultyFileSystem : public fs::FileSystem {
 public:
  std::atomic<bool> fail_sync{false}, fail_append{false};

  Result<std::unique_ptr<fs::WritableFile>> OpenAppend(const std::string& path) override {
    auto f = base_->OpenAppend(path);
    if (!f.ok()) return f.status();
    return std::unique_ptr<fs::WritableFile>(new File(std::move(*f), this));
  }
  Result<std::unique_ptr<fs::RandomAccessFile>> OpenRead(const std::string& p) override { return base_->OpenRead(p); }
  Result<std::string> ReadAll(const std::string& p) override { return base_->ReadAll(p); }
  Result<std::vector<std::string>> List(const std::string& d) override { return base_->List(d); }
  Status MkdirAll(const std::string& d) override { return base_->MkdirAll(d); }
  Status Remove(const std::string& p) override { return base_->Remove(p); }
  Status RemoveDirIfEmpty(const std::string& d) override { return base_->RemoveDirIfEmpty(d); }
  Status Truncate(const std::string& p, uint64_t n) override { return base_->Truncate(p, n); }
  Status SyncDir(const std::string& d) override { return base_->SyncDir(d); }
  Result<uint64_t> FileSize(const std::string& p) override { return base_->FileSize(p); }

 private:
  class File : public fs::WritableFile {
   public:
    File(std::unique_ptr<fs::WritableFile> f, FaultyFileSystem* o) : f_(std::move(f)), o_(o) {}
    Status Append(std::string_view d) override {
      return o_->fail_append ? Status::IOError("injected: write failed") : f_->Append(d);
    }
    Status Sync() override { return o_->fail_sync ? Status::IOError("injected: fsync failed") : f_->Sync(); }
    Status Close() override { return f_->Close(); }
    uint64_t Size() const override { return f_->Size(); }

   private:
    std::unique_ptr<fs::WritableFile> f_;
    FaultyFileSystem* o_;
  };
  fs::FileSystem* base_ = fs::FileSystem::Default();
};

}  // namespace skald::testing
