// Loki's pattern syntax (`<ip> - - <_> "<method> <uri> <_>" <status>`): named captures `<name>`,
// anonymous `<_>`, literal text between; used by the pattern parser and the `|>` line filter.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace skald::logql::log {

class Pattern {
 public:
  // Errors: two captures in a row, no capture at all (when `need_named`), invalid names.
  static Result<Pattern> Parse(std::string_view text, bool need_named);

  // Matches the line left to right; on success fills `values` (one per Names() entry) with views
  // into `line`. A trailing capture takes the rest of the line; text after the last literal is
  // ignored when the pattern ends with a literal.
  bool Match(std::string_view line, std::vector<std::string_view>* values) const;
  const std::vector<std::string>& Names() const { return names_; }

 private:
  struct Part {
    bool capture = false;
    int index = -1;       // into names_, -1 for `<_>`
    std::string literal;  // when !capture
  };
  std::vector<Part> parts_;
  std::vector<std::string> names_;
};

}  // namespace skald::logql::log
