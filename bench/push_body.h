// Shared by the push benchmarks: a workload batch as a Loki protobuf+snappy push body, and the
// CPU seconds a child process (the store under test) has used. Header-only: each bench is one binary.
#pragma once

#include <snappy.h>
#include <sys/types.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "common/labels.h"
#include "common/log_entry.h"
#include "push.pb.h"

namespace skald::bench {

// utime+stime of process `pid` in seconds (fields 14 and 15 of /proc/<pid>/stat); 0 if unreadable.
inline double ProcCpuSeconds(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  size_t p = s.rfind(')');
  unsigned long ut = 0, st = 0;
  if (p == std::string::npos ||
      std::sscanf(s.c_str() + p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2) {
    return 0;
  }
  return static_cast<double>(ut + st) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// `streams` as one protobuf+snappy push body; adds the entries to *lines and their line bytes to *bytes.
inline std::string EncodeBatch(const std::vector<LogStream>& streams, int64_t* lines, int64_t* bytes) {
  logproto::PushRequest req;
  for (const LogStream& s : streams) {
    auto* sa = req.add_streams();
    sa->set_labels(s.labels.ToString());
    for (const LogEntry& e : s.entries) {
      auto* ea = sa->add_entries();
      ea->mutable_timestamp()->set_seconds(e.ts_ns / 1000000000);
      ea->mutable_timestamp()->set_nanos(static_cast<int32_t>(e.ts_ns % 1000000000));
      ea->set_line(e.line);
      ++*lines;
      *bytes += static_cast<int64_t>(e.line.size());
    }
  }
  std::string raw = req.SerializeAsString(), out;
  snappy::Compress(raw.data(), raw.size(), &out);
  return out;
}

}  // namespace skald::bench
