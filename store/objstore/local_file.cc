// Whole-buffer writes and durable (temp + fsync + rename + directory fsync) local file creation.
#include "store/objstore/local_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace skald::objstore {

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t w = ::write(fd, data.data(), data.size());
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return Status::IOError(fmt::format("write {}: {}", path, std::strerror(errno)));
    data.remove_prefix(static_cast<size_t>(w));
  }
  return Status::Ok();
}

Status WriteFileDurably(const std::string& path, const std::function<Status(int fd, const std::string& tmp)>& fill) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError(fmt::format("create {}: {}", tmp, std::strerror(errno)));
  Status s = fill(fd, tmp);
  if (s.ok() && ::fsync(fd) != 0) s = Status::IOError(fmt::format("fsync {}: {}", tmp, std::strerror(errno)));
  ::close(fd);
  if (s.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    s = Status::IOError(fmt::format("rename {}: {}", tmp, std::strerror(errno)));
  }
  if (!s.ok()) {
    ::unlink(tmp.c_str());
    return s;
  }
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return Status::IOError(fmt::format("open dir {}: {}", dir, std::strerror(errno)));
  const int r = ::fsync(dfd);
  ::close(dfd);
  return r == 0 ? Status::Ok() : Status::IOError(fmt::format("fsync dir {}: {}", dir, std::strerror(errno)));
}

}  // namespace skald::objstore
