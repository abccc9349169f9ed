// FsObjectStore: see fs_object_store.h. POSIX calls directly (open/pread/rename/fsync) so every
// step of the durable write is visible here.
#include "store/objstore/fs_object_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "store/objstore/local_file.h"

namespace skald::objstore {

namespace stdfs = std::filesystem;

namespace {

constexpr const char* kTmpDir = ".tmp";

Status Errno(const std::string& what, const std::string& path) {
  if (errno == ENOENT) return Status::NotFound(fmt::format("{} {}: no such object", what, path));
  return Status::IOError(fmt::format("{} {}: {}", what, path, std::strerror(errno)));
}

Status SyncDir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("open dir", dir);
  const int r = ::fsync(fd);
  ::close(fd);
  return r == 0 ? Status::Ok() : Errno("fsync dir", dir);
}

std::string Parent(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

}  // namespace

Result<std::unique_ptr<FsObjectStore>> FsObjectStore::Open(const std::string& root) {
  std::error_code ec;
  stdfs::create_directories(stdfs::path(root) / kTmpDir, ec);
  if (ec) return Status::IOError(fmt::format("creating {}: {}", root, ec.message()));
  for (const auto& e : stdfs::directory_iterator(stdfs::path(root) / kTmpDir, ec)) stdfs::remove(e.path(), ec);
  return std::unique_ptr<FsObjectStore>(new FsObjectStore(root));
}

Status FsObjectStore::CheckKey(const std::string& key) const {
  if (key.empty() || key.front() == '/' || key.back() == '/' || key.find('\0') != std::string::npos ||
      key == kTmpDir || key.starts_with(std::string(kTmpDir) + "/")) {
    return Status::Invalid(fmt::format("object key \"{}\" is not valid", key));
  }
  size_t start = 0;
  while (start <= key.size()) {
    size_t end = key.find('/', start);
    if (end == std::string::npos) end = key.size();
    const std::string_view seg(key.data() + start, end - start);
    if (seg.empty() || seg == "." || seg == "..") {
      return Status::Invalid(fmt::format("object key \"{}\" has an empty, \".\" or \"..\" segment", key));
    }
    start = end + 1;
  }
  return Status::Ok();
}

std::string FsObjectStore::TempPath() const {
  static std::atomic<uint64_t> seq{0};
  return fmt::format("{}/{}/{}.{}", root_, kTmpDir, ::getpid(), seq.fetch_add(1));
}

Status FsObjectStore::Publish(const std::string& dest, const std::string& data) {
  const std::string tmp = TempPath();
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("create", tmp);
  Status s = WriteAll(fd, data, tmp);
  if (s.ok() && ::fsync(fd) != 0) s = Errno("fsync", tmp);
  ::close(fd);
  // A concurrent Delete may remove the (empty) parent between mkdir and rename: try again.
  for (int attempt = 0; s.ok() && attempt < 3; ++attempt) {
    std::error_code ec;
    stdfs::create_directories(Parent(dest), ec);
    if (ec) s = Status::IOError(fmt::format("creating {}: {}", Parent(dest), ec.message()));
    if (s.ok() && ::rename(tmp.c_str(), dest.c_str()) == 0) break;
    if (s.ok() && (errno != ENOENT || attempt == 2)) s = Errno("rename onto", dest);
  }
  if (!s.ok()) {
    ::unlink(tmp.c_str());
    return s;
  }
  return SyncDir(Parent(dest));
}

Status FsObjectStore::Put(const std::string& key, const std::string& data) {
  SKALD_RETURN_IF_ERROR(CheckKey(key));
  return Publish(root_ + "/" + key, data);
}

Status FsObjectStore::PutFile(const std::string& key, const std::string& path) {
  SKALD_RETURN_IF_ERROR(CheckKey(key));
  std::string data;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IOError(fmt::format("open {}: {}", path, std::strerror(errno)));
  char buf[1 << 16];
  ssize_t r;
  while ((r = ::read(fd, buf, sizeof(buf))) > 0) data.append(buf, static_cast<size_t>(r));
  const int err = errno;
  ::close(fd);
  if (r < 0) return Status::IOError(fmt::format("read {}: {}", path, std::strerror(err)));
  return Publish(root_ + "/" + key, data);
}

Status FsObjectStore::Get(const std::string& key, uint64_t offset, uint64_t n, std::string* out) {
  out->clear();
  SKALD_RETURN_IF_ERROR(CheckKey(key));
  const std::string path = root_ + "/" + key;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("get", key);
  struct stat st{};
  Status s;
  if (::fstat(fd, &st) != 0) s = Errno("stat", path);
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  if (s.ok() && offset < size) {
    out->resize(static_cast<size_t>(std::min(n, size - offset)));
    size_t done = 0;
    while (done < out->size()) {
      const ssize_t r = ::pread(fd, out->data() + done, out->size() - done, static_cast<off_t>(offset + done));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) {
        s = r == 0 ? Status::IOError("short read of " + path) : Errno("read", path);
        break;
      }
      done += static_cast<size_t>(r);
    }
  }
  ::close(fd);
  if (!s.ok()) out->clear();
  return s;
}

Status FsObjectStore::GetFile(const std::string& key, const std::string& path) {
  std::string data;
  SKALD_RETURN_IF_ERROR(Get(key, 0, UINT64_MAX, &data));
  return WriteFileDurably(path, [&](int fd, const std::string& tmp) { return WriteAll(fd, data, tmp); });
}

Result<ObjectInfo> FsObjectStore::Head(const std::string& key) {
  SKALD_RETURN_IF_ERROR(CheckKey(key));
  struct stat st{};
  if (::stat((root_ + "/" + key).c_str(), &st) != 0) return Errno("head", key);
  if (!S_ISREG(st.st_mode)) return Status::NotFound(fmt::format("head {}: no such object", key));
  return ObjectInfo{key, static_cast<uint64_t>(st.st_size), "",
                    static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}

Result<std::vector<ObjectInfo>> FsObjectStore::List(const std::string& prefix) {
  std::vector<ObjectInfo> out;
  std::error_code ec;
  stdfs::recursive_directory_iterator it(root_, ec), end;
  if (ec) return Status::IOError(fmt::format("listing {}: {}", root_, ec.message()));
  for (; it != end; it.increment(ec)) {
    if (ec) return Status::IOError(fmt::format("listing {}: {}", root_, ec.message()));
    if (it.depth() == 0 && it->path().filename() == kTmpDir) {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(ec)) continue;
    const std::string key = stdfs::relative(it->path(), root_, ec).generic_string();
    if (!key.starts_with(prefix)) continue;
    struct stat st{};
    if (::stat(it->path().c_str(), &st) != 0) continue;  // deleted meanwhile
    out.push_back({key, static_cast<uint64_t>(st.st_size), "",
                   static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec});
  }
  std::sort(out.begin(), out.end(), [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  return out;
}

Status FsObjectStore::Delete(const std::string& key) {
  SKALD_RETURN_IF_ERROR(CheckKey(key));
  const std::string path = root_ + "/" + key;
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return Errno("delete", key);
  // Drop directories left empty, up to the root, so List and the tree stay tidy.
  std::string dir = Parent(path);
  while (dir.size() > root_.size() && ::rmdir(dir.c_str()) == 0) dir = Parent(dir);
  return Status::Ok();
}

std::string FsObjectStore::Describe() const { return "file://" + root_; }

}  // namespace skald::objstore
