// `| regexp "(?P<name>re)"` (named groups become labels) and `| pattern "<ip> - <_>"` (Loki's
// pattern captures become labels). A line that does not match adds no labels and is kept.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/logql/log/pattern.h"
#include "common/logql/log/stage.h"
#include "common/status.h"

namespace re2 {
class RE2;
}

namespace skald::logql::log {

class RegexpParser final : public Stage {
 public:
  // Error when the regex is invalid or has no named capture group.
  static Result<RegexpParser> Make(std::string_view regex);
  bool Process(LineState& s) const override;

 private:
  std::shared_ptr<const re2::RE2> re_;
  std::vector<std::string> names_;  // index = group number; empty for unnamed groups
};

class PatternParser final : public Stage {
 public:
  static Result<PatternParser> Make(std::string_view pattern);
  bool Process(LineState& s) const override;

 private:
  std::shared_ptr<const Pattern> pattern_;
};

}  // namespace skald::logql::log
