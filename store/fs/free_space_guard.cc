// The free-space floor's syntax and the cached statvfs check behind the push path's refusal.
#include "store/fs/free_space_guard.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>

#include "common/time_util.h"

namespace skald::fs {
namespace {

int64_t SteadyNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

Status ParsePart(std::string_view part, FreeSpaceFloor* f) {
  if (!part.empty() && part.back() == '%') {
    std::string num(Trim(part.substr(0, part.size() - 1)));
    char* end = nullptr;
    double v = std::strtod(num.c_str(), &end);
    if (num.empty() || end != num.c_str() + num.size() || !(v >= 0 && v <= 100))
      return Status::Invalid("want a percentage between 0% and 100%, got \"" + std::string(part) + "\"");
    f->percent = v;
    return Status::Ok();
  }
  auto b = ParseByteSize(part);
  if (!b.ok() || *b < 0)
    return Status::Invalid("want a size (256MB), a percentage (2%) or both (256MB,2%), got \"" + std::string(part) +
                           "\"");
  f->bytes = *b;
  return Status::Ok();
}

}  // namespace

uint64_t FreeSpaceFloor::For(uint64_t total) const {
  if (disabled()) return 0;
  uint64_t share = percent > 0 ? static_cast<uint64_t>(std::ceil(static_cast<double>(total) * percent / 100.0)) : 0;
  if (bytes <= 0) return share;
  if (percent <= 0) return static_cast<uint64_t>(bytes);
  return std::min(share, static_cast<uint64_t>(bytes));
}

Result<FreeSpaceFloor> ParseFreeSpaceFloor(std::string_view text) {
  FreeSpaceFloor f;
  std::string_view rest = Trim(text);
  if (rest.empty()) return Status::Invalid("empty free space floor (use 0 to turn the check off)");
  int parts = 0;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view part = Trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (++parts > 2) return Status::Invalid("at most one size and one percentage, got \"" + std::string(text) + "\"");
    bool pct = !part.empty() && part.back() == '%';
    if ((pct && f.percent > 0) || (!pct && f.bytes > 0))
      return Status::Invalid("at most one size and one percentage, got \"" + std::string(text) + "\"");
    SKALD_RETURN_IF_ERROR(ParsePart(part, &f));
  }
  // A zero in either place turns that limit off; "0" alone turns the guard off.
  return f;
}

FreeSpaceGuard::FreeSpaceGuard(FileSystem* fs, std::vector<std::string> dirs, FreeSpaceFloor floor,
                               int64_t refresh_interval_ms)
    : fs_(fs), dirs_(std::move(dirs)), floor_(floor), interval_ns_(refresh_interval_ms * 1000000) {
  Refresh();
}

void FreeSpaceGuard::Note(int64_t bytes) {
  if (floor_.disabled()) return;
  int64_t written = written_.fetch_add(bytes, std::memory_order_relaxed) + bytes;
  int64_t now = SteadyNs();
  if (written < refresh_bytes_.load(std::memory_order_relaxed) && now < next_ns_.load(std::memory_order_relaxed))
    return;
  std::unique_lock<std::mutex> lk(mu_, std::try_to_lock);
  if (lk.owns_lock()) RefreshLocked(now);   // someone else is refreshing: their answer will do
}

void FreeSpaceGuard::Refresh() {
  if (floor_.disabled()) return;
  std::lock_guard<std::mutex> lk(mu_);
  RefreshLocked(SteadyNs());
}

// Low when any dir's volume is under its floor; the next look comes after a quarter of the
// smallest floor is written (at least 64 KiB, at most 16 MiB) or after the interval.
void FreeSpaceGuard::RefreshLocked(int64_t now_ns) {
  std::string why;
  uint64_t smallest = UINT64_MAX;
  for (const std::string& d : dirs_) {
    auto sp = fs_->Space(d);
    if (!sp.ok()) continue;
    uint64_t floor = floor_.For(sp->total);
    smallest = std::min(smallest, floor);
    if (sp->available >= floor || !why.empty()) continue;
    why = "free disk space under the floor on the volume of " + d + ": " + std::to_string(sp->available) +
          " bytes free, floor " + std::to_string(floor) + " bytes (ingester.min_free_space)";
  }
  int64_t step = smallest == UINT64_MAX ? (1 << 20) : static_cast<int64_t>(smallest / 4);
  refresh_bytes_.store(std::clamp<int64_t>(step, 64 << 10, 16 << 20), std::memory_order_relaxed);
  written_.store(0, std::memory_order_relaxed);
  next_ns_.store(now_ns + interval_ns_, std::memory_order_relaxed);
  reason_ = std::move(why);
  low_.store(!reason_.empty(), std::memory_order_release);
}

std::string FreeSpaceGuard::Reason() const {
  std::lock_guard<std::mutex> lk(mu_);
  return reason_;
}

}  // namespace skald::fs
