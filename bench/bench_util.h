// Small helpers shared by the benchmarks: command-line lookup, CPU seconds and RSS of this process,
// bytes under a directory. Header-only because every bench/*.cc is its own executable.
#pragma once

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

namespace skald::bench {

// The value after `name` on the command line, or def.
inline const char* Arg(int argc, char** argv, const char* name, const char* def) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  return def;
}

// User + system CPU seconds of this process so far.
inline double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

inline long PeakRssKb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

inline long CurrentRssKb() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  long pages = 0, rss = 0;
  if (f != nullptr) {
    if (std::fscanf(f, "%ld %ld", &pages, &rss) != 2) rss = 0;
    std::fclose(f);
  }
  return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

// Runs fn `reps` times; the best wall and CPU seconds (each minimum on its own).
struct Best {
  double wall = 1e9, cpu = 1e9;
};
template <typename F>
Best BestOf(int reps, F&& fn) {
  Best b;
  for (int r = 0; r < reps; ++r) {
    double c0 = CpuSeconds();
    auto w0 = std::chrono::steady_clock::now();
    fn();
    b.wall = std::min(b.wall, std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count());
    b.cpu = std::min(b.cpu, CpuSeconds() - c0);
  }
  return b;
}

// Sum of regular file sizes under dir (0 when missing).
inline uint64_t DirBytes(const std::string& dir) {
  uint64_t n = 0;
  std::error_code ec;
  for (auto& e : std::filesystem::recursive_directory_iterator(dir, ec))
    if (e.is_regular_file()) n += e.file_size();
  return n;
}

}  // namespace skald::bench
