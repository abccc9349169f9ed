// Line filters `|= != |~ !~ |> !>` with `or` terms and ip(): literal search (memmem, no regex),
// regexes simplified to literals where possible (Loki does the same) or guarded by a required
// literal before RE2 runs. Immutable after Make; safe to share.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/logql/log/ip_matcher.h"
#include "common/logql/log/pattern.h"
#include "common/logql/log/stage.h"
#include "common/status.h"

namespace re2 {
class RE2;
}

namespace skald::logql::log {

// One `"..."` operand of a line filter.
class LineMatcher {
 public:
  enum class Kind { kLiteral, kRegex, kIp, kPattern };
  static Result<LineMatcher> Make(Kind kind, std::string_view value);

  bool Matches(std::string_view line) const;

  // For tests and the benchmark: how the matcher runs.
  enum class Strategy { kMemmem, kCaseInsensitive, kLiteralSet, kRegex, kRegexPrefiltered, kIp, kPattern };
  Strategy strategy() const { return strategy_; }

 private:
  Strategy strategy_ = Strategy::kMemmem;
  std::vector<std::string> literals_;  // kMemmem: 1; kCaseInsensitive / kLiteralSet: >= 1 (lowercase for CI)
  std::string prefilter_;              // kRegexPrefiltered: a literal every match contains
  std::shared_ptr<const re2::RE2> re_;
  std::shared_ptr<const IpMatcher> ip_;
  std::shared_ptr<const Pattern> pattern_;
};

struct LineFilterConfig {
  bool negate = false;                // `!=`, `!~`, `!>`: keep lines matching no term
  std::vector<LineMatcher> matchers;  // `or` alternatives
};

class LineFilter final : public Stage {
 public:
  explicit LineFilter(LineFilterConfig cfg) : cfg_(std::move(cfg)) {}
  bool Keep(std::string_view line) const;
  bool Process(LineState& s) const override { return Keep(s.line); }
  bool IsLineFilter() const override { return true; }

 private:
  LineFilterConfig cfg_;
};

// Case-insensitive substring search; `needle_lower` must be ASCII-lowercased.
bool ContainsFold(std::string_view hay, std::string_view needle_lower);

// Regex analysis used for simplification: the literal alternatives when `re` is `lit`, `lit|lit`
// (optionally `(?i)`-prefixed) — nullopt otherwise; and a literal every match must contain.
std::optional<std::vector<std::string>> RegexLiteralAlternatives(std::string_view re, bool* fold);
std::string RegexRequiredLiteral(std::string_view re);

}  // namespace skald::logql::log
