// Test helpers shared by the storage suites: a self-deleting temp dir and a fault-injecting
// FileSystem wrapper (fail writes or syncs on demand, fill up like a disk, report free space).
#pragma once

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

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

// Wraps the default FileSystem; flips to failing Append/Sync when told to. `only_under` (set before
// files are opened) limits the faults to paths containing it; `space_budget` >= 0 lets that many
// more bytes be appended and then fails part-way like a full disk; `space_available` >= 0 is what
// Space() reports as free.
class FaultyFileSystem : public fs::FileSystem {
 public:
  std::atomic<bool> fail_sync{false}, fail_append{false};
  std::atomic<bool> hold_sync{false};   // Sync waits while set (a slow disk)
  std::atomic<int> syncs_held{0};       // Syncs waiting on hold_sync right now
  std::string only_under;
  std::atomic<int64_t> space_budget{-1}, space_available{-1}, space_total{1LL << 30};
  std::atomic<int> space_calls{0};

  Result<std::unique_ptr<fs::WritableFile>> OpenAppend(const std::string& path) override {
    auto f = base_->OpenAppend(path);
    if (!f.ok()) return f.status();
    return std::unique_ptr<fs::WritableFile>(new File(std::move(*f), this, path));
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
  Result<fs::SpaceInfo> Space(const std::string& p) override {
    space_calls++;
    if (space_available < 0) return base_->Space(p);
    return fs::SpaceInfo{static_cast<uint64_t>(space_total.load()), static_cast<uint64_t>(space_available.load())};
  }

 private:
  class File : public fs::WritableFile {
   public:
    File(std::unique_ptr<fs::WritableFile> f, FaultyFileSystem* o, std::string path)
        : f_(std::move(f)), o_(o), faulty_(o->only_under.empty() || path.find(o->only_under) != std::string::npos) {}
    Status Append(std::string_view d) override {
      if (faulty_ && o_->fail_append) return Status::IOError("injected: write failed");
      if (!faulty_ || o_->space_budget < 0) return f_->Append(d);
      int64_t room = o_->space_budget.load();
      size_t n = std::min(d.size(), static_cast<size_t>(room));
      o_->space_budget -= static_cast<int64_t>(n);
      SKALD_RETURN_IF_ERROR(f_->Append(d.substr(0, n)));
      return n == d.size() ? Status::Ok() : Status::IOError("injected: write: No space left on device");
    }
    Status Sync() override {
      if (faulty_ && o_->hold_sync) {
        o_->syncs_held++;
        while (o_->hold_sync) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        o_->syncs_held--;
      }
      return faulty_ && o_->fail_sync ? Status::IOError("injected: fsync failed") : f_->Sync();
    }
    Status Close() override { return f_->Close(); }
    uint64_t Size() const override { return f_->Size(); }

   private:
    std::unique_ptr<fs::WritableFile> f_;
    FaultyFileSystem* o_;
    bool faulty_;
  };
  fs::FileSystem* base_ = fs::FileSystem::Default();
};

}  // namespace skald::testing
