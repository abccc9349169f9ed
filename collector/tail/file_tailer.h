// FileTailer follows one file by path: reads complete lines from an offset and survives rotation by
// rename (drain the old inode, then follow the new one), copytruncate/truncation, and deletion.
#pragma once

#include <sys/types.h>

#include <ctime>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace skald::tail {

// Fluent Bit style tri-state: progress was made, nothing to do now, or the file failed.
enum class ReadResult { kOk, kWait, kError };

struct FileId {
  uint64_t dev = 0;
  uint64_t ino = 0;
  bool operator==(const FileId&) const = default;
};

// What happened to the followed file since the last call (for metrics and cursors).
enum class FileEvent { kNone, kRotated, kTruncated, kDeleted };

// Line callback: `line` excludes '\n' and stays valid only during the call; `readable` bytes may be
// read from line.data() (>= line.size() + 64, for simdjson); `end_offset` is the file offset just
// past the line's '\n' (what a position should store once the line is acknowledged).
using LineFn = std::function<void(std::string_view line, size_t readable, int64_t end_offset)>;

class FileTailer {
 public:
  // max_line_bytes: a line longer than this is emitted in pieces (0 = 1 MiB default).
  explicit FileTailer(std::string path, size_t max_line_bytes = 0);
  ~FileTailer();
  FileTailer(const FileTailer&) = delete;
  FileTailer& operator=(const FileTailer&) = delete;

  // Opens the file and seeks to `offset` when `id` names the same file and it is long enough;
  // otherwise starts at 0. ENOENT is an error (the caller retries later).
  Status Open(int64_t offset, FileId id);
  // Opens a specific already-rotated file (found by inode) to drain it from `offset` and stop.
  Status OpenDrainOnly(const std::string& rotated_path, int64_t offset);

  // Reads up to `max_bytes`, calling `fn` per complete line. kWait at EOF with nothing new.
  ReadResult Read(size_t max_bytes, const LineFn& fn);

  const std::string& path() const { return path_; }
  FileId id() const { return id_; }
  int64_t offset() const { return offset_; }       // end of the last line handed out
  int64_t size() const { return size_; }           // file size at the last check
  bool deleted() const { return deleted_; }        // path gone and old inode drained
  bool finished() const { return finished_; }      // drain-only tailer reached EOF
  FileEvent TakeEvent() { FileEvent e = event_; event_ = FileEvent::kNone; return e; }
  const std::string& error() const { return error_; }

 private:
  ReadResult OnEof(const LineFn& fn);
  void FlushPartial(const LineFn& fn);
  void Reset();
  size_t SplitLines(const LineFn& fn);

  std::string path_;
  size_t max_line_;
  int fd_ = -1;
  FileId id_;
  int64_t offset_ = 0;       // consumed (emitted) offset
  int64_t read_pos_ = 0;     // file offset of buf_ end
  int64_t size_ = 0;
  std::vector<char> buf_;
  size_t begin_ = 0, end_ = 0;
  bool deleted_ = false, drain_only_ = false, finished_ = false;
  FileEvent event_ = FileEvent::kNone;
  std::string error_;
};

// The oldest sibling of `path` modified at or after `after` that is neither `current` nor `newest`: a
// generation written and rotated away while the tailer was still reading an older one.
std::string NextRotatedGeneration(const std::string& path, FileId current, FileId newest, timespec after);

// Finds a sibling of `path` (same directory, name starting with the file's name) whose inode is
// `id`: where a rotated file went. Empty when none.
std::string FindRotatedSibling(const std::string& path, FileId id);

}  // namespace skald::tail
