// Helpers for the ingester suites: open an ingester on a temp dir with a fake clock, push entries,
// read a stream back as (ts, line) pairs.
#pragma once

#include <atomic>
#include <string>
#include <utility>
#include <vector>

#include "store/head/ingester.h"
#include "tests/store/wal/temp_dir.h"

namespace skald::testing {

using Pairs = std::vector<std::pair<int64_t, std::string>>;

inline head::IngesterOptions Options(const std::string& dir, std::atomic<int64_t>* clock) {
  head::IngesterOptions o;
  o.dir = dir;
  o.run_flush_loop = false;
  o.encoding = chunk::BlockEncoding{chunk::Codec::kLz4, 1};
  if (clock != nullptr) o.now_ns = [clock] { return clock->load(); };
  return o;
}

inline std::unique_ptr<head::Ingester> OpenIngester(const head::IngesterOptions& o) {
  auto r = head::Ingester::Open(o);
  if (!r.ok()) FAIL("open: " << r.status().message());
  return std::move(*r);
}

inline LogStream Stream(const LabelSet& ls, Pairs entries) {
  LogStream s{ls, {}};
  for (auto& [ts, line] : entries) s.entries.push_back(LogEntry{ts, line, {}});
  return s;
}

inline Status PushOne(head::Ingester& ing, const std::string& tenant, const LabelSet& ls, Pairs entries,
                      PushResult* res = nullptr) {
  std::vector<LogStream> v;
  v.push_back(Stream(ls, std::move(entries)));
  return ing.PushDetailed(tenant, std::move(v), res);
}

inline uint64_t StreamId(head::Ingester& ing, const std::string& tenant, const LabelSet& ls) {
  Matchers ms;
  for (const auto& l : ls) ms.push_back(*Matcher::Make(MatchType::kEq, l.name, l.value));
  auto r = ing.Streams(tenant, ms, INT64_MIN, INT64_MAX);
  REQUIRE(r.ok());
  for (const auto& s : *r)
    if (s.labels == ls) return s.id;
  return 0;
}

inline Pairs Read(head::Ingester& ing, const std::string& tenant, const LabelSet& ls, Direction dir,
                  int64_t start = INT64_MIN, int64_t end = INT64_MAX) {
  Pairs out;
  uint64_t id = StreamId(ing, tenant, ls);
  if (id == 0) return out;
  auto it = ing.Entries(tenant, id, start, end, dir);
  while (it->Next()) out.emplace_back(it->At().ts_ns, std::string(it->At().line));
  REQUIRE(it->status().ok());
  return out;
}

}  // namespace skald::testing
