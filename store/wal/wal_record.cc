// Push record payload coding: length-prefixed strings, varints, timestamps as zigzag deltas.
// Grammar in FORMAT.md; decoding never reads past the payload.
#include "store/wal/wal_record.h"

#include "store/fs/coding.h"

namespace skald::wal {

using fs::GetLengthPrefixed;
using fs::GetSignedVarint;
using fs::GetVarint;
using fs::PutLengthPrefixed;
using fs::PutSignedVarint;
using fs::PutVarint;
using fs::WrappingAdd;
using fs::WrappingSub;

namespace {

void EncodeLabels(const std::vector<Label>& ls, std::string* out) {
  PutVarint(*out, ls.size());
  for (const auto& l : ls) {
    PutLengthPrefixed(*out, l.name);
    PutLengthPrefixed(*out, l.value);
  }
}

bool DecodeLabels(std::string_view& in, std::vector<Label>* ls) {
  uint64_t n;
  if (!GetVarint(in, &n) || n > in.size()) return false;
  ls->resize(n);
  for (auto& l : *ls) {
    std::string_view name, value;
    if (!GetLengthPrefixed(in, &name) || !GetLengthPrefixed(in, &value)) return false;
    l.name.assign(name);
    l.value.assign(value);
  }
  return true;
}

bool DecodeEntries(std::string_view& in, std::vector<LogEntry>* entries) {
  uint64_t n;
  if (!GetVarint(in, &n) || n > in.size()) return false;
  entries->resize(n);
  int64_t prev = 0;
  for (auto& e : *entries) {
    int64_t delta;
    std::string_view line;
    if (!GetSignedVarint(in, &delta) || !GetLengthPrefixed(in, &line)) return false;
    e.ts_ns = WrappingAdd(prev, delta);
    prev = e.ts_ns;
    e.line.assign(line);
    if (!DecodeLabels(in, &e.metadata)) return false;
  }
  return true;
}

}  // namespace

namespace {

constexpr size_t kMaxVarint = 10;

size_t LabelsBound(const std::vector<Label>& ls) {
  size_t n = kMaxVarint;
  for (const auto& l : ls) n += 2 * kMaxVarint + l.name.size() + l.value.size();
  return n;
}

}  // namespace

size_t EncodedPushRecordSizeHint(std::string_view tenant, const std::vector<StreamEntriesRef>& streams) {
  size_t n = 2 * kMaxVarint + tenant.size();
  for (const auto& s : streams) {
    n += LabelsBound(s.labels->labels()) + kMaxVarint;
    for (const LogEntry* e : s.entries) n += 2 * kMaxVarint + e->line.size() + LabelsBound(e->metadata);
  }
  return n;
}

void EncodePushRecord(std::string_view tenant, const std::vector<StreamEntriesRef>& streams,
                      std::string* out) {
  PutLengthPrefixed(*out, tenant);
  PutVarint(*out, streams.size());
  for (const auto& s : streams) {
    EncodeLabels(s.labels->labels(), out);
    PutVarint(*out, s.entries.size());
    int64_t prev = 0;
    for (const LogEntry* e : s.entries) {
      PutSignedVarint(*out, WrappingSub(e->ts_ns, prev));
      prev = e->ts_ns;
      PutLengthPrefixed(*out, e->line);
      EncodeLabels(e->metadata, out);
    }
  }
}

Status DecodePushRecord(std::string_view in, std::string* tenant, std::vector<LogStream>* streams) {
  std::string_view t;
  uint64_t n;
  if (!GetLengthPrefixed(in, &t) || !GetVarint(in, &n) || n > in.size())
    return Status::Corruption("wal push record: bad header");
  tenant->assign(t);
  streams->resize(n);
  for (auto& s : *streams) {
    std::vector<Label> ls;
    if (!DecodeLabels(in, &ls) || !DecodeEntries(in, &s.entries))
      return Status::Corruption("wal push record: truncated stream");
    s.labels = LabelSet(std::move(ls));
  }
  if (!in.empty()) return Status::Corruption("wal push record: trailing bytes");
  return Status::Ok();
}

}  // namespace skald::wal
