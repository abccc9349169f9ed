// FileSystem: the Env-like seam every storage module uses for file I/O, so tests can inject faults
// (failed writes, failed fsyncs, short reads) without touching the real disk code paths.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace skald::fs {

// An append-only file. Not thread-safe; one owner at a time.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(std::string_view data) = 0;
  virtual Status Sync() = 0;               // fdatasync
  virtual Status Close() = 0;
  virtual uint64_t Size() const = 0;       // bytes in the file, including what we appended
};

// Positional reads; thread-safe (pread).
class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  virtual Status Read(uint64_t offset, size_t n, std::string* out) const = 0;
};

// Space on the volume holding a path, in bytes; `available` is what an unprivileged writer may
// still use (statvfs f_bavail), so reserved blocks do not count as free.
struct SpaceInfo {
  uint64_t total = 0, available = 0;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // The process-wide POSIX implementation.
  static FileSystem* Default();

  // Opens for appending, creating the file if absent.
  virtual Result<std::unique_ptr<WritableFile>> OpenAppend(const std::string& path) = 0;
  virtual Result<std::unique_ptr<RandomAccessFile>> OpenRead(const std::string& path) = 0;
  virtual Result<std::string> ReadAll(const std::string& path) = 0;
  // Names (not paths) of the entries of a directory, sorted; NotFound if it does not exist.
  virtual Result<std::vector<std::string>> List(const std::string& dir) = 0;
  virtual Status MkdirAll(const std::string& dir) = 0;
  virtual Status Remove(const std::string& path) = 0;
  virtual Status RemoveDirIfEmpty(const std::string& dir) = 0;
  virtual Status Truncate(const std::string& path, uint64_t size) = 0;
  virtual Status SyncDir(const std::string& dir) = 0;
  virtual Result<uint64_t> FileSize(const std::string& path) = 0;
  // statvfs of the volume holding `path`. Not pure: wrappers that do not override it report the
  // real volume.
  virtual Result<SpaceInfo> Space(const std::string& path);
};

// "a" + "/" + "b", without doubling slashes.
std::string JoinPath(std::string_view a, std::string_view b);

}  // namespace skald::fs
