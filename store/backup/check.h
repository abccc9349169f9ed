// Check: offline/online verification of a data dir or snapshot. Every chunk the index references is
// read and decoded; every WAL segment is scanned; a snapshot's MANIFEST is verified. Read-only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace skald::backup {

struct CheckReport {
  // One line per problem, naming the file, offset, stream and what is wrong.
  std::vector<std::string> problems;
  int64_t streams = 0, chunks = 0, blocks = 0, entries = 0;
  int64_t chunk_files = 0, wal_segments = 0, wal_records = 0, manifest_files = 0;
  bool has_manifest = false;
  bool ok() const { return problems.empty(); }
};

// `path` holds index.db, chunks/ and wal/ (a data dir, or a snapshot, which adds a MANIFEST).
// `wal_dir` overrides <path>/wal (for stores with ingester.wal_dir set). Fails only when the index
// cannot be opened at all; everything else is a problem in the report.
Result<CheckReport> Check(const std::string& path, const std::string& wal_dir = "");

// The report as text: a summary line, then the problems.
std::string FormatCheckReport(const CheckReport& r);

}  // namespace skald::backup
