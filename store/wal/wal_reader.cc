// Segment parsing and replay. Every check that can fail on a crash-torn file (short header, short
// payload, CRC mismatch, zeroed tail) is a reported stop, never an assert.
#include "store/wal/wal_reader.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "common/logger.h"
#include "store/fs/coding.h"
#include "store/fs/crc32c.h"
#include "store/wal/wal_format.h"

namespace skald::wal {
namespace {

std::string At(size_t off, const std::string& what) { return "offset " + std::to_string(off) + ": " + what; }

// Checks the record at `off`; on success fills rec and *next.
bool ParseRecord(std::string_view data, size_t off, uint64_t seq, WalRecord* rec, size_t* next,
                 std::string* problem) {
  if (data.size() - off < kRecordHeaderSize) {
    *problem = At(off, "torn record header (" + std::to_string(data.size() - off) + " bytes)");
    return false;
  }
  const char* p = data.data() + off;
  uint32_t len = fs::DecodeFixed32(p), crc = fs::DecodeFixed32(p + 4);
  uint8_t type = static_cast<uint8_t>(p[8]);
  if (len == 0 && crc == 0 && type == kZeroType) {
    *problem = At(off, "zero-filled tail");
    return false;
  }
  if (len > kMaxRecordSize || data.size() - off - kRecordHeaderSize < len) {
    *problem = At(off, "torn record: length " + std::to_string(len) + " runs past end of segment");
    return false;
  }
  uint32_t actual = fs::Crc32cExtend(0, p, 4);
  actual = fs::Crc32cExtend(actual, p + 8, 1 + static_cast<size_t>(len));
  if (actual != crc) {
    *problem = At(off, "crc mismatch (corrupt record of " + std::to_string(len) + " bytes)");
    return false;
  }
  rec->pos = MakePos(seq, off);
  rec->type = type;
  rec->payload = std::string_view(p + kRecordHeaderSize, len);
  *next = off + kRecordHeaderSize + len;
  return true;
}

bool CheckHeader(std::string_view data, uint64_t seq, std::string* problem) {
  if (data.size() < kSegmentHeaderSize || std::memcmp(data.data(), kSegmentMagic, 4) != 0) {
    *problem = At(0, "bad or torn segment header");
    return false;
  }
  uint16_t version;
  std::memcpy(&version, data.data() + 4, 2);
  if (version != kFormatVersion) {
    *problem = At(4, "unsupported version " + std::to_string(version));
    return false;
  }
  if (fs::DecodeFixed64(data.data() + 8) != seq) {
    *problem = At(8, "segment number does not match file name");
    return false;
  }
  return true;
}

}  // namespace

size_t ReadSegment(std::string_view data, uint64_t seq, const std::function<Status(const WalRecord&)>& fn,
                   std::string* problem, Status* fn_status) {
  problem->clear();
  if (!CheckHeader(data, seq, problem)) return 0;
  size_t off = kSegmentHeaderSize;
  while (off < data.size()) {
    WalRecord rec;
    size_t next;
    if (!ParseRecord(data, off, seq, &rec, &next, problem)) return off;
    *fn_status = fn(rec);
    if (!fn_status->ok()) return off;
    off = next;
  }
  return off;
}

Result<std::vector<uint64_t>> ListSegments(fs::FileSystem* fsys, const std::string& dir) {
  auto names = fsys->List(dir);
  if (!names.ok()) return names.status();
  std::vector<uint64_t> out;
  uint64_t seq;
  for (const auto& n : *names)
    if (ParseSegmentName(n, &seq)) out.push_back(seq);
  std::sort(out.begin(), out.end());
  return out;
}

Result<ReplayReport> ReplayWal(fs::FileSystem* fsys, const std::string& dir, bool truncate,
                               const std::function<Status(const WalRecord&)>& fn) {
  ReplayReport report;
  auto segs = ListSegments(fsys, dir);
  if (!segs.ok()) return segs.status().code() == Code::kNotFound ? Result<ReplayReport>(report) : segs.status();
  for (uint64_t seq : *segs) {
    std::string path = SegmentPath(dir, seq);
    auto data = fsys->ReadAll(path);
    if (!data.ok()) return data.status();
    std::string problem;
    Status fn_st;
    int64_t before = report.records;
    size_t good = ReadSegment(*data, seq, [&](const WalRecord& r) {
      report.records++;
      report.bytes += static_cast<int64_t>(r.payload.size());
      return fn(r);
    }, &problem, &fn_st);
    report.segments++;
    if (!fn_st.ok()) return fn_st.Annotate(path);
    if (problem.empty()) continue;
    std::string line = path + ": " + problem + "; kept " + std::to_string(report.records - before) +
                       " records (" + std::to_string(good) + " bytes)";
    if (truncate) {
      Status st = good == 0 ? fsys->Remove(path) : fsys->Truncate(path, good);
      line += st.ok() ? (good == 0 ? ", removed the segment" : ", truncated the rest") : ", " + st.message();
    }
    SKALD_LOG(warn, "damaged wal segment", {{"detail", line}});
    if (report.corruption.ok()) report.corruption = Status::Corruption(line);
    report.problems.push_back(std::move(line));
  }
  return report;
}

}  // namespace skald::wal
