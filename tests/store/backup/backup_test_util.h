// Helpers for the backup suites: an ingester with flushed chunks in a temp dir, the chunk rows of
// its index, and in-place byte edits of its files.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "store/backup/sqlite_copy.h"
#include "tests/store/head/head_test_util.h"

namespace skald::testing {

inline const int64_t kBackupT0 = 1700000000LL * 1000000000LL;

struct IndexedChunk {
  std::string file, labels;
  uint64_t offset = 0, length = 0;
};

inline std::vector<IndexedChunk> IndexedChunks(const std::string& dir) {
  std::vector<IndexedChunk> out;
  Status st = backup::QueryDb(dir + "/index.db",
                              "SELECT c.file, s.labels, c.offset, c.length FROM chunks c JOIN streams s ON "
                              "s.id = c.stream_id ORDER BY c.file, c.offset",
                              [&](sqlite3_stmt* s) {
    out.push_back({reinterpret_cast<const char*>(sqlite3_column_text(s, 0)),
                   reinterpret_cast<const char*>(sqlite3_column_text(s, 1)), uint64_t(sqlite3_column_int64(s, 2)),
                   uint64_t(sqlite3_column_int64(s, 3))});
  });
  REQUIRE(st.ok());
  return out;
}

inline void FlipByte(const std::string& path, uint64_t offset) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  REQUIRE(f);
  f.seekg(static_cast<std::streamoff>(offset));
  char c = 0;
  f.read(&c, 1);
  c = static_cast<char>(c ^ 0x5a);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(&c, 1);
}

inline LabelSet App(int k) { return LabelSet(std::vector<Label>{{"app", std::string("s").append(std::to_string(k))}}); }

inline std::string LineText(int k, int i) {
  std::string s = "s";
  s.append(std::to_string(k)).append("-").append(std::to_string(i));
  return s;
}

// Lines "s<stream>-<i>" at kBackupT0 + i for `streams` streams {app="s<k>"}.
inline void PushLines(head::Ingester& ing, int streams, int from, int to) {
  for (int k = 0; k < streams; k++) {
    LabelSet ls = App(k);
    Pairs p;
    for (int i = from; i < to; i++) p.emplace_back(kBackupT0 + i, LineText(k, i));
    REQUIRE(PushOne(ing, "fake", ls, p).ok());
  }
}

}  // namespace skald::testing
