// File helpers for snapshots and restores (see file_copy.h). Plain POSIX calls: these copy whole
// files between directories, which the store's append-only FileSystem seam does not model.
#include "store/backup/file_copy.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>

#include "store/fs/crc32c.h"

namespace skald::backup {
namespace {

Status Errno(const std::string& what, const std::string& path) {
  return Status::IOError(what + " " + path + ": " + std::strerror(errno));
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

Status WriteAll(int fd, const char* p, size_t n, const std::string& path) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return Errno("write", path);
    p += w;
    n -= static_cast<size_t>(w);
  }
  return Status::Ok();
}

}  // namespace

std::string Join(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (a.back() == '/') return a + b;
  return a + "/" + b;
}

Result<uint32_t> CopyPrefix(const std::string& src, const std::string& dst, uint64_t n) {
  Fd in(::open(src.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return Errno("open", src);
  Fd out(::open(dst.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (out.get() < 0) return Errno("create", dst);
  std::string buf(1 << 20, '\0');
  uint32_t crc = 0;
  uint64_t done = 0;
  while (done < n) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), n - done));
    ssize_t r = ::pread(in.get(), buf.data(), want, static_cast<off_t>(done));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return Errno("read", src);
    if (r == 0) {
      return Status::IOError(src + ": holds " + std::to_string(done) + " bytes, expected " + std::to_string(n));
    }
    crc = fs::Crc32cExtend(crc, buf.data(), static_cast<size_t>(r));
    SKALD_RETURN_IF_ERROR(WriteAll(out.get(), buf.data(), static_cast<size_t>(r), dst));
    done += static_cast<uint64_t>(r);
  }
  if (::fdatasync(out.get()) != 0) return Errno("fsync", dst);
  return crc;
}

Status WriteFileSynced(const std::string& path, const std::string& data) {
  Fd out(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (out.get() < 0) return Errno("create", path);
  SKALD_RETURN_IF_ERROR(WriteAll(out.get(), data.data(), data.size(), path));
  if (::fdatasync(out.get()) != 0) return Errno("fsync", path);
  return Status::Ok();
}

Status FileCrc(const std::string& path, uint64_t* size, uint32_t* crc) {
  Fd in(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return Errno("open", path);
  std::string buf(1 << 20, '\0');
  *size = 0;
  *crc = 0;
  for (;;) {
    ssize_t r = ::read(in.get(), buf.data(), buf.size());
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return Errno("read", path);
    if (r == 0) return Status::Ok();
    *crc = fs::Crc32cExtend(*crc, buf.data(), static_cast<size_t>(r));
    *size += static_cast<uint64_t>(r);
  }
}

bool TryHardLink(const std::string& src, const std::string& dst) { return ::link(src.c_str(), dst.c_str()) == 0; }

Status PrepareEmptyDir(const std::string& dir) {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec)) {
    if (!std::filesystem::is_directory(dir, ec)) return Status::Invalid(dir + ": exists and is not a directory");
    if (!std::filesystem::is_empty(dir, ec)) return Status::Invalid(dir + ": directory is not empty");
    return ec ? Status::IOError(dir + ": " + ec.message()) : Status::Ok();
  }
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("mkdir " + dir + ": " + ec.message());
  return Status::Ok();
}

Status MkdirParent(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) return Status::Ok();
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec) return Status::IOError("mkdir " + parent.string() + ": " + ec.message());
  return Status::Ok();
}

Status SyncDir(const std::string& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return Errno("open", dir);
  if (::fsync(fd.get()) != 0) return Errno("fsync", dir);
  return Status::Ok();
}

}  // namespace skald::backup
