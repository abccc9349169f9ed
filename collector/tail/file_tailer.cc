// FileTailer: buffered line reads over a raw fd, with rotation/truncation/deletion checks at EOF.
#include "collector/tail/file_tailer.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace skald::tail {

namespace {
constexpr size_t kInitialBuf = 64 << 10;
constexpr size_t kPad = 64;  // simdjson padding readable past any line

std::string Errno(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}
}  // namespace

FileTailer::FileTailer(std::string path, size_t max_line_bytes)
    : path_(std::move(path)), max_line_(max_line_bytes ? max_line_bytes : (1 << 20)) {}

FileTailer::~FileTailer() {
  if (fd_ >= 0) ::close(fd_);
}

void FileTailer::Reset() {
  begin_ = end_ = 0;
  offset_ = read_pos_ = 0;
}

Status FileTailer::Open(int64_t offset, FileId id) {
  int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT ? Status::NotFound(Errno("open", path_)) : Status::IOError(Errno("open", path_));
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return Status::IOError(Errno("fstat", path_));
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  id_ = {static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
  size_ = st.st_size;
  Reset();
  const bool same = (id.ino == 0 && id.dev == 0) || id == id_;
  if (same && offset > 0 && offset <= st.st_size && ::lseek(fd_, offset, SEEK_SET) == offset) {
    offset_ = read_pos_ = offset;
  }
  if (buf_.empty()) buf_.resize(kInitialBuf + kPad);
  return Status::Ok();
}

Status FileTailer::OpenDrainOnly(const std::string& rotated_path, int64_t offset) {
  std::string logical = path_;
  path_ = rotated_path;
  Status st = Open(offset, {});
  path_ = logical;
  drain_only_ = true;
  return st;
}

size_t FileTailer::SplitLines(const LineFn& fn) {
  size_t n = 0;
  const size_t cap = buf_.size();
  while (begin_ < end_) {
    char* start = buf_.data() + begin_;
    char* nl = static_cast<char*>(std::memchr(start, '\n', end_ - begin_));
    if (nl == nullptr) break;
    const size_t len = static_cast<size_t>(nl - start);
    const int64_t end_off = read_pos_ - static_cast<int64_t>(end_ - (begin_ + len + 1));
    offset_ = end_off;
    fn(std::string_view(start, len), cap - begin_, end_off);
    begin_ += len + 1;
    ++n;
  }
  if (begin_ == end_) begin_ = end_ = 0;
  return n;
}

void FileTailer::FlushPartial(const LineFn& fn) {
  if (begin_ < end_) {
    offset_ = read_pos_;
    fn(std::string_view(buf_.data() + begin_, end_ - begin_), buf_.size() - begin_, read_pos_);
  }
  begin_ = end_ = 0;
}

ReadResult FileTailer::Read(size_t max_bytes, const LineFn& fn) {
  if (fd_ < 0) return ReadResult::kError;
  if (finished_) return ReadResult::kWait;
  size_t total = 0;
  for (;;) {
    size_t cap = buf_.size() - kPad;
    if (end_ == cap) {
      if (begin_ > 0) {
        std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
      } else if (cap < max_line_) {
        buf_.resize(std::min(cap * 2, max_line_) + kPad);
        cap = buf_.size() - kPad;
      } else {
        FlushPartial(fn);  // a line longer than max_line_bytes: hand it out in pieces
      }
    }
    ssize_t r = ::read(fd_, buf_.data() + end_, cap - end_);
    if (r < 0) {
      if (errno == EINTR) continue;
      error_ = Errno("read", path_);
      return ReadResult::kError;
    }
    if (r == 0) return total > 0 ? ReadResult::kOk : OnEof(fn);
    end_ += static_cast<size_t>(r);
    read_pos_ += r;
    total += static_cast<size_t>(r);
    SplitLines(fn);
    if (total >= max_bytes) {
      if (buf_.size() > kInitialBuf * 4 + kPad && end_ - begin_ < kInitialBuf) {
        std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);  // shrink after a long line
        end_ -= begin_;
        begin_ = 0;
        buf_.resize(kInitialBuf + kPad);
        buf_.shrink_to_fit();
      }
      return ReadResult::kOk;
    }
  }
}

ReadResult FileTailer::OnEof(const LineFn& fn) {
  if (drain_only_) {
    FlushPartial(fn);
    finished_ = true;
    return ReadResult::kWait;
  }
  struct stat st;
  if (::stat(path_.c_str(), &st) != 0) {
    if (errno != ENOENT) {
      error_ = Errno("stat", path_);
      return ReadResult::kError;
    }
    if (!deleted_) {
      FlushPartial(fn);
      deleted_ = true;
      event_ = FileEvent::kDeleted;
    }
    return ReadResult::kWait;
  }
  FileId now{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
  if (!(now == id_)) {  // renamed away and recreated: the old inode is drained, follow the new one
    FlushPartial(fn);
    deleted_ = false;
    // Rotated more than once since we last looked: drain the skipped generations first (oldest first).
    struct stat cur;
    std::string skipped;
    if (::fstat(fd_, &cur) == 0) skipped = NextRotatedGeneration(path_, id_, now, cur.st_mtim);
    if (!skipped.empty()) {
      std::string logical = path_;
      path_ = skipped;
      Status st = Open(0, {});
      path_ = logical;
      if (!st.ok()) return ReadResult::kWait;
    } else if (!Open(0, {}).ok()) {
      return ReadResult::kWait;
    }
    event_ = FileEvent::kRotated;
    return ReadResult::kOk;
  }
  struct stat fst;
  if (::fstat(fd_, &fst) == 0 && fst.st_size < read_pos_) {  // copytruncate or truncation
    ::lseek(fd_, 0, SEEK_SET);
    Reset();
    event_ = FileEvent::kTruncated;
    size_ = fst.st_size;
    return ReadResult::kOk;
  }
  deleted_ = false;
  size_ = st.st_size;
  return ReadResult::kWait;
}

std::string NextRotatedGeneration(const std::string& path, FileId current, FileId newest, timespec after) {
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return {};
  std::string best;
  timespec best_t{};
  auto later = [](timespec a, timespec b) { return a.tv_sec != b.tv_sec ? a.tv_sec > b.tv_sec : a.tv_nsec > b.tv_nsec; };
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == base || name.compare(0, base.size(), base) != 0) continue;
    std::string full = dir + "/" + name;
    struct stat st;
    if (::stat(full.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    FileId id{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
    if (id == current || id == newest || later(after, st.st_mtim)) continue;  // ties: re-read, not lose
    if (best.empty() || later(best_t, st.st_mtim)) { best = full; best_t = st.st_mtim; }
  }
  ::closedir(d);
  return best;
}

std::string FindRotatedSibling(const std::string& path, FileId id) {
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return {};
  std::string found;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == base || name.compare(0, base.size(), base) != 0) continue;
    std::string full = dir + "/" + name;
    struct stat st;
    if (::stat(full.c_str(), &st) == 0 && static_cast<uint64_t>(st.st_ino) == id.ino &&
        static_cast<uint64_t>(st.st_dev) == id.dev) {
      found = full;
      break;
    }
  }
  ::closedir(d);
  return found;
}

}  // namespace skald::tail
