// Label matchers `= != =~ !~` as in Prometheus: regexes are RE2 (Go syntax), fully anchored.
// A Matcher is immutable after construction and safe to share between threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/labels.h"
#include "common/status.h"

namespace re2 {
class RE2;
}

namespace skald {

enum class MatchType { kEq, kNeq, kRe, kNre };

std::string_view MatchTypeString(MatchType t);  // "=", "!=", "=~", "!~"

class Matcher {
 public:
  // Compiles the regex for kRe/kNre; error message names the bad pattern.
  static Result<Matcher> Make(MatchType type, std::string name, std::string value);

  bool Matches(std::string_view value) const;
  // Against a label set: a missing label matches as the empty string (Prometheus semantics).
  bool Matches(const LabelSet& ls) const;
  // True if this matcher accepts the empty string (e.g. `a=""`, `a=~".*"`, `a!="x"`).
  bool MatchesEmpty() const { return Matches(std::string_view()); }

  MatchType type() const { return type_; }
  const std::string& name() const { return name_; }
  const std::string& value() const { return value_; }
  // `name="value"` with Go quoting.
  std::string ToString() const;

 private:
  MatchType type_ = MatchType::kEq;
  std::string name_;
  std::string value_;
  std::shared_ptr<const re2::RE2> re_;
  // Fast path: regex that is a plain alternation of literals (`a|b|c`) is matched by set lookup.
  std::shared_ptr<const std::vector<std::string>> literals_;
};

using Matchers = std::vector<Matcher>;

bool MatchesAll(const Matchers& ms, const LabelSet& ls);
// `{a="b", c=~"d"}`
std::string MatchersToString(const Matchers& ms);

}  // namespace skald
