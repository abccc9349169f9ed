// Regexp and pattern parser stages.
#include "common/logql/log/text_parsers.h"

#include <re2/re2.h>

#include "common/labels.h"

namespace skald::logql::log {

Result<RegexpParser> RegexpParser::Make(std::string_view regex) {
  RE2::Options opt;
  opt.set_log_errors(false);
  auto re = std::make_shared<const RE2>(regex, opt);
  if (!re->ok()) return Status::Invalid("invalid regex \"" + std::string(regex) + "\": " + re->error());
  RegexpParser p;
  p.names_.assign(re->NumberOfCapturingGroups() + 1, std::string());
  bool any = false;
  for (const auto& [name, idx] : re->NamedCapturingGroups()) {
    if (!IsValidLabelName(name)) return Status::Invalid("invalid extracted label name '" + name + "'");
    p.names_[idx] = name;
    any = true;
  }
  if (!any) return Status::Invalid("at least one named capture must be supplied");
  p.re_ = std::move(re);
  return p;
}

bool RegexpParser::Process(LineState& s) const {
  thread_local std::vector<re2::StringPiece> groups;
  int n = static_cast<int>(names_.size());
  groups.assign(n, re2::StringPiece());
  if (!re_->Match(s.line, 0, s.line.size(), RE2::UNANCHORED, groups.data(), n)) return true;
  for (int i = 1; i < n; ++i) {
    if (names_[i].empty() || groups[i].data() == nullptr) continue;
    s.labels.SetParsed(names_[i], std::string_view(groups[i].data(), groups[i].size()));
  }
  return true;
}

Result<PatternParser> PatternParser::Make(std::string_view pattern) {
  auto p = Pattern::Parse(pattern, true);
  if (!p.ok()) return p.status();
  PatternParser pp;
  pp.pattern_ = std::make_shared<const Pattern>(std::move(*p));
  return pp;
}

bool PatternParser::Process(LineState& s) const {
  thread_local std::vector<std::string_view> values;
  if (!pattern_->Match(s.line, &values)) return true;
  const auto& names = pattern_->Names();
  for (size_t i = 0; i < names.size(); ++i) s.labels.SetParsed(names[i], values[i]);
  return true;
}

}  // namespace skald::logql::log
