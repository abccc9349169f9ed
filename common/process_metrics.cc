// process_* from /proc/self (as Prometheus' process collector computes them) and the heap gauge
// from mallinfo2; each is read when /metrics is scraped, nothing runs in between.
#include "common/process_metrics.h"

#include <dirent.h>
#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

namespace skald::metrics {
namespace {

// Fields of /proc/self/stat after the command name, so index 0 is field 3 (state).
std::vector<std::string> StatFields() {
  std::ifstream in("/proc/self/stat");
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t close = all.rfind(')');
  std::vector<std::string> out;
  if (close == std::string::npos) return out;
  std::istringstream rest(all.substr(close + 1));
  for (std::string f; rest >> f;) out.push_back(f);
  return out;
}

double StatField(int field) {   // 1-based as in proc(5)
  std::vector<std::string> f = StatFields();
  size_t i = static_cast<size_t>(field - 3);
  return i < f.size() ? std::stod(f[i]) : 0;
}

double BootTime() {
  std::ifstream in("/proc/stat");
  for (std::string key; in >> key;) {
    if (key == "btime") {
      double v = 0;
      in >> v;
      return v;
    }
    in.ignore(1 << 20, '\n');
  }
  return 0;
}

double OpenFds() {
  DIR* d = opendir("/proc/self/fd");
  if (d == nullptr) return 0;
  double n = 0;
  while (dirent* e = readdir(d)) n += e->d_name[0] != '.';
  closedir(d);
  return n - 1;   // the directory stream's own descriptor
}

double Limit(int resource) {
  rlimit r{};
  if (getrlimit(resource, &r) != 0) return 0;
  return static_cast<double>(r.rlim_cur);
}

}  // namespace

void RegisterProcessMetrics(Registry& r) {
  static std::mutex mu;   // two apps starting at once must not both register
  std::lock_guard<std::mutex> lock(mu);
  if (r.Has("process_cpu_seconds_total")) return;
  static const double kTicks = static_cast<double>(sysconf(_SC_CLK_TCK));
  static const double kPage = static_cast<double>(sysconf(_SC_PAGESIZE));
  const double start = BootTime() + StatField(22) / kTicks;
  r.NewCounterFunc("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                   [] { return (StatField(14) + StatField(15)) / kTicks; });
  r.NewGaugeFunc("process_resident_memory_bytes", "Resident memory size in bytes.",
                 [] { return StatField(24) * kPage; });
  r.NewGaugeFunc("process_virtual_memory_bytes", "Virtual memory size in bytes.", [] { return StatField(23); });
  r.NewGaugeFunc("process_virtual_memory_max_bytes", "Maximum amount of virtual memory available in bytes.",
                 [] { return Limit(RLIMIT_AS); });
  r.NewGaugeFunc("process_open_fds", "Number of open file descriptors.", OpenFds);
  r.NewGaugeFunc("process_max_fds", "Maximum number of open file descriptors.", [] { return Limit(RLIMIT_NOFILE); });
  r.NewGaugeFunc("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
                 [start] { return start; });
  r.NewGaugeFunc("go_memstats_heap_inuse_bytes",
                 "Heap bytes in use: malloc's allocated bytes (arenas and mmapped blocks); Skald is not Go.", [] {
                   struct mallinfo2 m = mallinfo2();
                   return static_cast<double>(m.uordblks + m.hblkhd);
                 });
}

}  // namespace skald::metrics
