// PatternMiner: Drain-like clustering of log lines into patterns with `<_>` placeholders, counting
// each pattern's lines per time step; what /loki/api/v1/patterns answers (computed at query time).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace skald::api {

struct PatternOptions {
  int64_t step_ns = 10LL * 1000000000LL;  // sample bucket width
  double similarity = 0.5;                // share of equal words needed to join a cluster
  size_t max_clusters_per_group = 64;     // beyond it a line joins its group's closest cluster
  size_t max_tokens = 128;                // longer lines are cut (the rest becomes `<_>`)
};

struct MinedPattern {
  std::string pattern;
  std::string level;                      // detected from the first line ("" = none)
  std::map<int64_t, int64_t> samples;     // bucket start (ns) -> lines
  int64_t total = 0;
};

// Not thread-safe.
class PatternMiner {
 public:
  explicit PatternMiner(PatternOptions o = {}) : o_(o) {}
  void Add(std::string_view line, int64_t ts_ns);
  // Patterns merged by text, most lines first.
  std::vector<MinedPattern> Patterns() const;

 private:
  struct Cluster {
    std::vector<std::string> tokens;      // words and separators alternate; "<_>" = variable word
    std::string level;
    std::map<int64_t, int64_t> samples;
    int64_t total = 0;
  };
  PatternOptions o_;
  std::unordered_map<std::string, std::vector<Cluster>> groups_;   // key: token count + first word
};

// Splits a line into alternating word / separator tokens; words at least half digits become "<_>".
std::vector<std::string> PatternTokens(std::string_view line, size_t max_tokens);
// `level=x`, `"level":"x"`, `lvl=x` (lower-cased) or "".
std::string DetectLevel(std::string_view line);

}  // namespace skald::api
