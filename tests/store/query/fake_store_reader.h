// An in-memory StoreReader for engine and API tests: streams of entries per tenant, "chunks" of
// `chunk_entries` entries for summaries, and synchronous tail subscriptions fired by Push().
#pragma once

#include <algorithm>
#include <map>
#include <mutex>

#include "store/head/store_reader.h"

namespace skald::testing {

class FakeStoreReader : public StoreReader {
 public:
  // Appends entries (kept sorted by timestamp, arrival order for ties). Fires tail subscribers.
  void Push(const std::string& tenant, const LabelSet& labels, std::vector<LogEntry> entries) {
    std::vector<std::pair<TailFn, LabelSet>> fire;
    {
      std::lock_guard<std::mutex> l(mu_);
      auto& streams = tenants_[tenant];
      auto it = std::find_if(streams.begin(), streams.end(),
                             [&](const Stream& s) { return s.info.labels == labels; });
      if (it == streams.end()) {
        streams.push_back({{next_id_++, labels}, {}});
        it = streams.end() - 1;
      }
      for (auto& e : entries) {
        auto pos = std::upper_bound(it->entries.begin(), it->entries.end(), e.ts_ns,
                                    [](int64_t t, const LogEntry& x) { return t < x.ts_ns; });
        it->entries.insert(pos, e);
      }
    }
    std::vector<std::pair<std::string, TailFn>> subs;
    {
      std::lock_guard<std::mutex> l(mu_);
      for (auto& [id, s] : subs_) subs.push_back(s);
    }
    for (auto& [t, fn] : subs) {
      if (t != tenant) continue;
      for (auto& e : entries) fn(labels, e);
    }
  }

  Result<std::vector<StreamInfo>> Streams(const std::string& tenant, const Matchers& ms,
                                          int64_t start, int64_t end) override {
    std::lock_guard<std::mutex> l(mu_);
    std::vector<StreamInfo> out;
    for (const auto& s : tenants_[tenant]) {
      if (!MatchesAll(ms, s.info.labels)) continue;
      bool overlap = std::any_of(s.entries.begin(), s.entries.end(),
                                 [&](const LogEntry& e) { return e.ts_ns >= start && e.ts_ns < end; });
      if (overlap) out.push_back(s.info);
    }
    return out;
  }

  Result<std::vector<std::string>> LabelNames(const std::string& tenant, const Matchers& ms,
                                              int64_t start, int64_t end) override {
    auto streams = Streams(tenant, ms, start, end);
    std::vector<std::string> out;
    for (const auto& s : *streams) {
      for (const auto& l : s.labels) out.push_back(l.name);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  Result<std::vector<std::string>> LabelValues(const std::string& tenant, const std::string& name,
                                               const Matchers& ms, int64_t start,
                                               int64_t end) override {
    auto streams = Streams(tenant, ms, start, end);
    std::vector<std::string> out;
    for (const auto& s : *streams) {
      if (auto v = s.labels.Get(name)) out.emplace_back(*v);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  std::unique_ptr<EntryIterator> Entries(const std::string& tenant, uint64_t id, int64_t start,
                                         int64_t end, Direction dir) override {
    std::lock_guard<std::mutex> l(mu_);
    auto it = std::make_unique<Iter>();
    for (const auto& s : tenants_[tenant]) {
      if (s.info.id != id) continue;
      for (const auto& e : s.entries) {
        if (e.ts_ns >= start && e.ts_ns < end) it->entries.push_back(e);
      }
    }
    if (dir == Direction::kBackward) std::reverse(it->entries.begin(), it->entries.end());
    entries_calls_++;
    return it;
  }

  Result<std::vector<ChunkSummary>> Summaries(const std::string& tenant, uint64_t id, int64_t start,
                                              int64_t end) override {
    std::lock_guard<std::mutex> l(mu_);
    std::vector<ChunkSummary> out;
    for (const auto& s : tenants_[tenant]) {
      if (s.info.id != id) continue;
      for (size_t i = 0; i < s.entries.size(); i += chunk_entries) {
        ChunkSummary c;
        c.min_ts_ns = s.entries[i].ts_ns;
        for (size_t k = i; k < std::min(s.entries.size(), i + chunk_entries); k++) {
          c.max_ts_ns = s.entries[k].ts_ns;
          c.entries++;
          c.raw_bytes += static_cast<int64_t>(s.entries[k].line.size());
        }
        if (c.max_ts_ns >= start && c.min_ts_ns < end) out.push_back(c);
      }
    }
    return out;
  }

  // One run per `chunk_entries` entries, as Summaries cuts them; metadata known exactly.
  Result<CountRuns> Runs(const std::string& tenant, uint64_t id, int64_t start, int64_t end) override {
    std::lock_guard<std::mutex> l(mu_);
    CountRuns out;
    for (const auto& s : tenants_[tenant]) {
      if (s.info.id != id) continue;
      for (size_t i = 0; i < s.entries.size(); i += chunk_entries) {
        auto run = std::make_unique<Run>();
        for (size_t k = i; k < std::min(s.entries.size(), i + chunk_entries); k++) {
          run->ts.push_back(s.entries[k].ts_ns);
          run->len.push_back(static_cast<uint32_t>(s.entries[k].line.size()));
          run->meta = run->meta || !s.entries[k].metadata.empty();
        }
        run->summary = {run->ts.front(), run->ts.back(), static_cast<int64_t>(run->ts.size()), 0};
        for (auto n : run->len) run->summary.raw_bytes += n;
        run->metadata = run->meta || runs_hide_metadata;
        if (run->summary.max_ts_ns >= start && run->summary.min_ts_ns < end) out.push_back(std::move(run));
      }
    }
    return out;
  }

  Result<IndexStats> Stats(const std::string& tenant, const Matchers& ms, int64_t start,
                           int64_t end) override {
    auto streams = Streams(tenant, ms, start, end);
    IndexStats st;
    for (const auto& info : *streams) {
      st.streams++;
      auto sums = Summaries(tenant, info.id, start, end);
      for (const auto& c : *sums) st.chunks++, st.entries += c.entries, st.bytes += c.raw_bytes;
    }
    return st;
  }

  std::shared_ptr<void> Subscribe(const std::string& tenant, TailFn fn) override {
    std::lock_guard<std::mutex> l(mu_);
    int id = next_sub_++;
    subs_[id] = {tenant, std::move(fn)};
    return std::shared_ptr<void>(nullptr, [this, id](void*) {
      std::lock_guard<std::mutex> l(mu_);
      subs_.erase(id);
    });
  }

  size_t subscribers() {
    std::lock_guard<std::mutex> l(mu_);
    return subs_.size();
  }

  size_t chunk_entries = 4;
  bool runs_hide_metadata = false;   // runs say "may have metadata" (as old chunk files do)
  int entries_calls() const { return entries_calls_; }

 private:
  struct Stream {
    StreamInfo info;
    std::vector<LogEntry> entries;
  };
  struct Run : CountRun {
    std::vector<int64_t> ts;
    std::vector<uint32_t> len;
    bool meta = false;
    Status Load(std::vector<int64_t>* t, std::vector<uint32_t>* l, bool* m) override {
      *t = ts, *l = len, *m = meta;
      return Status::Ok();
    }
  };
  struct Iter : EntryIterator {
    std::vector<LogEntry> entries;
    size_t pos = 0;
    EntryView view;
    bool Next() override {
      if (pos >= entries.size()) return false;
      const LogEntry& e = entries[pos++];
      view = {e.ts_ns, e.line, e.metadata.empty() ? nullptr : &e.metadata};
      return true;
    }
    const EntryView& At() const override { return view; }
    Status status() const override { return Status::Ok(); }
  };

  std::mutex mu_;
  std::map<std::string, std::vector<Stream>> tenants_;
  std::map<int, std::pair<std::string, TailFn>> subs_;
  uint64_t next_id_ = 1;
  int next_sub_ = 1;
  int entries_calls_ = 0;
};

}  // namespace skald::testing
