// FreeSpaceGuard: says when the volumes under the store's data dirs have less free space than a
// floor, so pushes are refused before the disk is full; statvfs is cached off the push path.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/fs/file_system.h"

namespace skald::fs {

// The floor: a byte size, a share of the volume, or both (then the smaller applies).
struct FreeSpaceFloor {
  int64_t bytes = 0;       // 0 = no byte limit
  double percent = 0;      // of the volume's size; 0 = no share limit
  bool disabled() const { return bytes <= 0 && percent <= 0; }
  // The floor for a volume of `total` bytes (0 when disabled).
  uint64_t For(uint64_t total) const;
};

// "256MB", "2%", "256MB,2%" (whichever is smaller), "0" (off). Byte sizes as Loki's (12MB, 1MiB).
Result<FreeSpaceFloor> ParseFreeSpaceFloor(std::string_view text);

// Thread-safe. Each dir is checked on its own volume; a dir that cannot be statted counts as fine
// (the writes themselves will then report the problem).
class FreeSpaceGuard {
 public:
  FreeSpaceGuard(FileSystem* fs, std::vector<std::string> dirs, FreeSpaceFloor floor,
                 int64_t refresh_interval_ms = 1000);
  // Counts bytes about to be written; re-reads the volumes when refresh_interval_ms has passed or
  // a quarter of the floor has been written since the last look, else costs two atomic adds.
  void Note(int64_t bytes);
  void Refresh();                 // re-reads now
  bool low() const { return low_.load(std::memory_order_acquire); }
  std::string Reason() const;     // "" unless low()
  const FreeSpaceFloor& floor() const { return floor_; }

 private:
  void RefreshLocked(int64_t now_ns);

  FileSystem* fs_;
  const std::vector<std::string> dirs_;
  const FreeSpaceFloor floor_;
  const int64_t interval_ns_;
  std::atomic<int64_t> written_{0}, next_ns_{0}, refresh_bytes_{1 << 20};
  std::atomic<bool> low_{false};
  mutable std::mutex mu_;
  std::string reason_;            // guarded by mu_
};

}  // namespace skald::fs
