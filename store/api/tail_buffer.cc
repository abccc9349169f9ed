// TailBuffer and TailDedup (see tail_buffer.h).
#include "store/api/tail_buffer.h"

#include <algorithm>
#include <cstring>

#include "common/digest.h"

namespace skald::api {

bool TailDedup::FirstSeen(uint64_t source, const std::string& labels, int64_t ts_ns, std::string_view line) {
  if (capacity_ == 0) return true;
  std::string key;
  key.reserve(labels.size() + line.size() + 10);
  key.append(labels).push_back('\0');
  key.append(reinterpret_cast<const char*>(&ts_ns), sizeof(ts_ns));
  key.append(line);
  const auto d = Md5(key);
  Key k;
  std::memcpy(&k.first, d.data(), 8);
  std::memcpy(&k.second, d.data() + 8, 8);
  auto [it, inserted] = seen_.try_emplace(k);
  if (inserted) {
    order_.push_back(k);
    if (order_.size() > capacity_) {
      seen_.erase(order_.front());   // never `it`: capacity_ > 0 and k is at the back
      order_.pop_front();
    }
  }
  Seen& s = it->second;
  auto src = std::find_if(s.by_source.begin(), s.by_source.end(), [&](const auto& p) { return p.first == source; });
  if (src == s.by_source.end()) src = s.by_source.insert(s.by_source.end(), {source, 0});
  if (++src->second <= s.most) return false;
  s.most = src->second;
  return true;
}

TailBuffer::TailBuffer(size_t max_entries, size_t dedup)
    : max_entries_(max_entries), dedup_on_(dedup > 0), dedup_(dedup) {}

TailBuffer::Added TailBuffer::Add(uint64_t source, LabelSet set, int64_t ts_ns, std::string line,
                                  std::chrono::steady_clock::time_point arrived) {
  std::string labels = set.ToString();
  std::lock_guard<std::mutex> l(mu_);
  if (dedup_on_ && !dedup_.FirstSeen(source, labels, ts_ns, line)) return Added::kDuplicate;
  if (entries_.size() >= max_entries_) {
    dropped_.emplace_back(ts_ns, std::move(set));
    return Added::kDropped;
  }
  entries_.push_back({std::move(labels), std::move(set), ts_ns, std::move(line), arrived});
  return Added::kQueued;
}

bool TailBuffer::Remember(const LabelSet& set, int64_t ts_ns, std::string_view line) {
  if (!dedup_on_) return true;
  std::string labels = set.ToString();
  std::lock_guard<std::mutex> l(mu_);
  return dedup_.FirstSeen(kHistorySource, labels, ts_ns, line);
}

void TailBuffer::AddDropped(int64_t ts_ns, LabelSet set) {
  std::lock_guard<std::mutex> l(mu_);
  dropped_.emplace_back(ts_ns, std::move(set));
}

void TailBuffer::Fail(std::string reason) {
  std::lock_guard<std::mutex> l(mu_);
  if (fail_.empty()) fail_ = std::move(reason);
}

TailBuffer::Batch TailBuffer::Drain(std::chrono::steady_clock::time_point ready_before) {
  Batch b;
  {
    std::lock_guard<std::mutex> l(mu_);
    while (!entries_.empty() && entries_.front().arrived <= ready_before) {
      b.entries.push_back(std::move(entries_.front()));
      entries_.pop_front();
    }
    b.dropped.swap(dropped_);
    b.fail = fail_;
  }
  std::stable_sort(b.entries.begin(), b.entries.end(),
                   [](const TailedEntry& a, const TailedEntry& c) { return a.ts_ns < c.ts_ns; });
  return b;
}

}  // namespace skald::api
