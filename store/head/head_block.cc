// HeadBlock appends into one growing buffer (no allocation per entry); sealing sorts an index
// vector by timestamp so no line is moved twice.
#include "store/head/head_block.h"

#include <algorithm>

namespace skald::head {

std::vector<chunk::EntryRef> SortedBlock::Refs() const {
  std::vector<chunk::EntryRef> out(ents.size());
  for (size_t i = 0; i < ents.size(); ++i) out[i] = {ents[i].ts, line(i), metadata(i)};
  return out;
}

void SortedBlock::AddLine(int64_t ts, std::string_view l, int32_t meta) {
  if (pages.empty() || pages.back().size() + l.size() > pages.back().capacity()) {
    pages.emplace_back();
    pages.back().reserve(std::max(kPageSize, l.size()));
  }
  std::string& p = pages.back();
  ents.push_back({ts, static_cast<uint32_t>(pages.size() - 1), static_cast<uint32_t>(p.size()),
                  static_cast<uint32_t>(l.size()), meta});
  p.append(l);
  bytes += l.size();
  min_ts = std::min(min_ts, ts);
  max_ts = std::max(max_ts, ts);
}

void HeadBlock::Append(int64_t ts, std::string_view line, const std::vector<Label>& metadata) {
  int32_t meta = -1;
  if (!metadata.empty()) {
    meta = static_cast<int32_t>(b_.metas.size());
    b_.metas.push_back(metadata);
  }
  if (!b_.ents.empty() && ts < b_.ents.back().ts) sorted_ = false;
  b_.AddLine(ts, line, meta);
}

bool HeadBlock::HasDuplicate(int64_t ts, std::string_view line) const {
  if (b_.ents.empty() || ts > b_.max_ts || ts < b_.min_ts) return false;
  for (size_t i = b_.ents.size(); i-- > 0;)
    if (b_.ents[i].ts == ts && b_.line(i) == line) return true;
  return false;
}

SortedPtr HeadBlock::Seal() {
  auto out = std::make_shared<SortedBlock>(std::move(b_));
  if (!sorted_)
    std::stable_sort(out->ents.begin(), out->ents.end(), [](const auto& a, const auto& b) { return a.ts < b.ts; });
  b_ = SortedBlock();
  sorted_ = true;
  return out;
}

SortedPtr HeadBlock::Snapshot(int64_t start, int64_t end) const {
  auto out = std::make_shared<SortedBlock>();
  for (size_t i = 0; i < b_.ents.size(); ++i) {
    const auto& e = b_.ents[i];
    if (e.ts < start || e.ts >= end) continue;
    int32_t meta = -1;
    if (e.meta >= 0) {
      meta = static_cast<int32_t>(out->metas.size());
      out->metas.push_back(b_.metas[e.meta]);
    }
    out->AddLine(e.ts, b_.line(i), meta);
  }
  std::stable_sort(out->ents.begin(), out->ents.end(), [](const auto& a, const auto& b) { return a.ts < b.ts; });
  return out;
}

}  // namespace skald::head
