// Micro-benchmark of the collector's scan fast paths on realistic lines: LiteralRegex::Find for the
// seed's two regex stages and the json stage's key probes (one LiteralRegex pass vs one memmem each).
// `--baseline 1` forces the SSE2 kernels on an AVX2 CPU (the default is the run-time choice).
#include <re2/re2.h>
#include <string.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "bench/bench_util.h"
#include "bench/workload.h"
#include "collector/pipeline/stages/literal_regex.h"

using skald::pipeline::LiteralRegex;

namespace {

// The `log` field of one docker json-file record (the escapes these samples use: \" \\ \n \t \/).
std::string DockerLog(const std::string& rec) {
  const size_t k = rec.find("{\"log\":\"");
  std::string out;
  if (k != 0) return out;
  for (size_t i = 8; i < rec.size() && rec[i] != '"'; ++i) {
    if (rec[i] != '\\' || i + 1 >= rec.size()) {
      out += rec[i];
      continue;
    }
    const char c = rec[++i];
    out += c == 'n' ? '\n' : c == 't' ? '\t' : c;
  }
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string KindOf(const std::string& l) {
  if (l.starts_with("{")) return "json";
  if (l.starts_with("ts=")) return "logfmt";
  if (l.find(" - - [") != std::string::npos) return "access";
  if (l.starts_with("\tat ") || l.find("-exec-") != std::string::npos) return "stack";
  return "plain";
}

// ns per call of fn over all lines, best of `reps` rounds of `iters` passes.
template <typename F>
double NsPerLine(const std::vector<std::string>& lines, int iters, int reps, F&& fn) {
  size_t sink = 0;
  double best = 1e30;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int it = 0; it < iters; ++it)
      for (const auto& l : lines) sink += fn(l);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = std::min(best, s);
  }
  if (sink == 42) std::printf(" ");  // keep the work observable
  return best * 1e9 / (static_cast<double>(lines.size()) * iters);
}

bool ProbesMemmem(std::string_view in, const std::vector<std::string>& probes) {
  for (const auto& q : probes)
    if (::memmem(in.data(), in.size(), q.data(), q.size()) != nullptr) return true;
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string file = skald::bench::Arg(argc, argv, "--file", "/tmp/skald-bench-collector/c0/c0-json.log");
  const int iters = std::atoi(skald::bench::Arg(argc, argv, "--iters", "20"));
  const int reps = std::atoi(skald::bench::Arg(argc, argv, "--reps", "5"));
  LiteralRegex::ForceBaselineForTesting(std::atoi(skald::bench::Arg(argc, argv, "--baseline", "0")) != 0);
  std::printf("kernels: %s\n", LiteralRegex::UsesAvx2() ? "avx2" : "sse2/scalar");
  std::map<std::string, std::vector<std::string>> by_kind;
  {
    std::ifstream in(file);
    std::string rec;
    for (int k = 0; k < 20000 && std::getline(in, rec);) {
      std::string l = DockerLog(rec);
      if (!l.empty()) by_kind["sample-" + KindOf(l)].push_back(std::move(l)), ++k;
    }
  }
  skald::bench::Workload w(7, 100);
  for (const auto& s : w.NextBatch(4 << 20))
    for (const auto& e : s.entries) by_kind[KindOf(e.line)].push_back(e.line);

  const std::string level = skald::bench::Arg(argc, argv, "--level", "(?P<level>(ERROR|WARN|INFO|DEBUG|FATAL|TRACE))");
  const std::string status = skald::bench::Arg(argc, argv, "--status", "(?P<http_status>\\d{3})");
  const auto lv = LiteralRegex::Recognize(level), st = LiteralRegex::Recognize(status);
  const std::vector<std::string> probes = {"\"log\"", "\"stream\"", "\"time\""};
  const auto pr = LiteralRegex::Recognize("\"log\"|\"stream\"|\"time\"");
  if (!lv || !st || !pr) return std::fprintf(stderr, "not recognized\n"), 1;
  const RE2 lv2(level), st2(status);
  std::printf("%-14s %7s %6s | %9s %9s | %9s %9s | %9s %9s\n", "kind", "lines", "bytes", "level", "level-re2",
              "status", "status-re2", "probe-lit", "probe-mem");
  for (const auto& [kind, lines] : by_kind) {
    size_t bytes = 0, mismatch = 0;
    for (const auto& l : lines) {
      bytes += l.size();
      for (const auto* re : {&lv2, &st2}) {  // group 0 (pointer and size) as RE2 finds it
        std::string_view m;
        re2::StringPiece g;
        const bool found = (re == &lv2 ? *lv : *st).Find(l, &m);
        const bool want = re->Match(l, 0, l.size(), RE2::UNANCHORED, &g, 1);
        if (found != want || (found && (m.data() != g.data() || m.size() != g.size()))) ++mismatch;
      }
      std::string_view m;
      if (pr->Find(l, &m) != ProbesMemmem(l, probes)) ++mismatch;
    }
    std::string_view m;
    const double a = NsPerLine(lines, iters, reps, [&](const std::string& l) { return lv->Find(l, &m); });
    const double a2 = NsPerLine(lines, 1, 1, [&](const std::string& l) { return RE2::PartialMatch(l, lv2); });
    const double b = NsPerLine(lines, iters, reps, [&](const std::string& l) { return st->Find(l, &m); });
    const double b2 = NsPerLine(lines, 1, 1, [&](const std::string& l) { return RE2::PartialMatch(l, st2); });
    const double c = NsPerLine(lines, iters, reps, [&](const std::string& l) { return pr->Find(l, &m); });
    const double c2 = NsPerLine(lines, iters, reps, [&](const std::string& l) { return ProbesMemmem(l, probes); });
    std::printf("%-14s %7zu %6zu | %9.1f %9.1f | %9.1f %9.1f | %9.1f %9.1f%s\n", kind.c_str(), lines.size(),
                bytes / lines.size(), a, a2, b, b2, c, c2, mismatch ? "  MISMATCH vs RE2/memmem" : "");
    if (mismatch) return 1;
  }
  return 0;
}
