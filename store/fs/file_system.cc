// The POSIX FileSystem: open/pwrite/fdatasync/pread with errno turned into IOError Status values.
// Kept deliberately thin; everything above it is testable with a fault-injecting wrapper.
#include "store/fs/file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace skald::fs {
namespace {

Status Errno(const std::string& what, const std::string& path) {
  int e = errno;
  std::string msg = what + " " + path + ": " + std::strerror(e);
  return e == ENOENT ? Status::NotFound(msg) : Status::IOError(msg);
}

class PosixWritable : public WritableFile {
 public:
  PosixWritable(int fd, std::string path, uint64_t size) : fd_(fd), path_(std::move(path)), size_(size) {}
  ~PosixWritable() override { if (fd_ >= 0) ::close(fd_); }
  Status Append(std::string_view data) override {
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return Errno("write", path_);
      }
      data.remove_prefix(static_cast<size_t>(n));
      size_ += static_cast<uint64_t>(n);
    }
    return Status::Ok();
  }
  Status Sync() override { return ::fdatasync(fd_) == 0 ? Status::Ok() : Errno("fdatasync", path_); }
  Status Close() override {
    int fd = fd_;
    fd_ = -1;
    return fd < 0 || ::close(fd) == 0 ? Status::Ok() : Errno("close", path_);
  }
  uint64_t Size() const override { return size_; }

 private:
  int fd_;
  std::string path_;
  uint64_t size_;
};

class PosixRandomAccess : public RandomAccessFile {
 public:
  PosixRandomAccess(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixRandomAccess() override { ::close(fd_); }
  Status Read(uint64_t offset, size_t n, std::string* out) const override {
    out->resize(n);
    size_t got = 0;
    while (got < n) {
      ssize_t r = ::pread(fd_, out->data() + got, n - got, static_cast<off_t>(offset + got));
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) return Errno("pread", path_);
      if (r == 0) return Status::Corruption("short read of " + path_ + " at " + std::to_string(offset));
      got += static_cast<size_t>(r);
    }
    return Status::Ok();
  }

 private:
  int fd_;
  std::string path_;
};

class PosixFileSystem : public FileSystem {
 public:
  Result<std::unique_ptr<WritableFile>> OpenAppend(const std::string& path) override {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return Errno("open", path);
    struct stat st {};
    ::fstat(fd, &st);
    return std::unique_ptr<WritableFile>(new PosixWritable(fd, path, static_cast<uint64_t>(st.st_size)));
  }
  Result<std::unique_ptr<RandomAccessFile>> OpenRead(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Errno("open", path);
    return std::unique_ptr<RandomAccessFile>(new PosixRandomAccess(fd, path));
  }
  Result<std::string> ReadAll(const std::string& path) override {
    auto size = FileSize(path);
    if (!size.ok()) return size.status();
    auto f = OpenRead(path);
    if (!f.ok()) return f.status();
    std::string out;
    SKALD_RETURN_IF_ERROR((*f)->Read(0, *size, &out));
    return out;
  }
  Result<std::vector<std::string>> List(const std::string& dir) override {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return Errno("opendir", dir);
    std::vector<std::string> names;
    while (struct dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") names.push_back(std::move(n));
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    return names;
  }
  Status MkdirAll(const std::string& dir) override {
    for (size_t pos = 1; pos <= dir.size(); ++pos) {
      if (pos != dir.size() && dir[pos] != '/') continue;
      std::string p = dir.substr(0, pos);
      if (::mkdir(p.c_str(), 0755) != 0 && errno != EEXIST) return Errno("mkdir", p);
    }
    return Status::Ok();
  }
  Status Remove(const std::string& path) override {
    return ::unlink(path.c_str()) == 0 ? Status::Ok() : Errno("unlink", path);
  }
  Status RemoveDirIfEmpty(const std::string& dir) override {
    if (::rmdir(dir.c_str()) == 0 || errno == ENOTEMPTY || errno == EEXIST) return Status::Ok();
    return Errno("rmdir", dir);
  }
  Status Truncate(const std::string& path, uint64_t size) override {
    return ::truncate(path.c_str(), static_cast<off_t>(size)) == 0 ? Status::Ok() : Errno("truncate", path);
  }
  Status SyncDir(const std::string& dir) override {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return Errno("open", dir);
    int rc = ::fsync(fd);
    ::close(fd);
    return rc == 0 ? Status::Ok() : Errno("fsync", dir);
  }
  Result<uint64_t> FileSize(const std::string& path) override {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return Errno("stat", path);
    return static_cast<uint64_t>(st.st_size);
  }
};

}  // namespace

Result<SpaceInfo> FileSystem::Space(const std::string& path) {
  struct statvfs v {};
  if (::statvfs(path.c_str(), &v) != 0) return Errno("statvfs", path);
  uint64_t unit = v.f_frsize != 0 ? v.f_frsize : v.f_bsize;
  return SpaceInfo{static_cast<uint64_t>(v.f_blocks) * unit, static_cast<uint64_t>(v.f_bavail) * unit};
}

FileSystem* FileSystem::Default() {
  static PosixFileSystem fs;
  return &fs;
}

std::string JoinPath(std::string_view a, std::string_view b) {
  std::string out(a);
  if (!out.empty() && out.back() != '/') out.push_back('/');
  out.append(b);
  return out;
}

}  // namespace skald::fs
