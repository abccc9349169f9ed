// `regex` stage: matches the line (or an extracted `source`) and stores named groups in the
// extracted map (Go's FindStringSubmatch: leftmost match, unmatched groups become "").
#include <optional>

#include "collector/pipeline/stages/config.h"
#include "collector/pipeline/stages/factories.h"
#include "collector/pipeline/stages/go_regexp.h"
#include "collector/pipeline/stages/literal_regex.h"

namespace skald::pipeline {
namespace {

// True when `expr` is one group spanning the whole expression, `(?P<name>...)`: its value is then
// the whole match, which RE2 finds without a submatch pass (the seed's regexes have this shape).
bool IsWholeGroup(std::string_view expr) {
  if (!expr.starts_with("(?P<") || !expr.ends_with(")")) return false;
  int depth = 0;
  for (size_t i = 0; i < expr.size(); ++i) {
    const char c = expr[i];
    if (c == '\\') { ++i; continue; }
    if (c == '[') {  // a class: skip to its closing ']' (a leading ']' or '^]' is literal)
      size_t j = i + 1;
      if (j < expr.size() && expr[j] == '^') ++j;
      if (j < expr.size() && expr[j] == ']') ++j;
      while (j < expr.size() && expr[j] != ']') j += expr[j] == '\\' ? 2 : 1;
      i = j;
      continue;
    }
    if (c == '(') ++depth;
    if (c == ')' && --depth == 0) return i == expr.size() - 1;
  }
  return false;
}

class RegexStage : public Stage {
 public:
  std::string_view Name() const override { return "regex"; }
  // Reads the line, or only `source` when set (for the chain's liveness pass).
  std::optional<KeySet> ReadsExtracted() const override { return source_ ? KeySet{*source_} : KeySet{}; }
  void Process(Entry& e) override {
    const auto src = SourceText(e, source_);
    if (!src) return;
    const std::string_view input = *src;
    // The matches point into `input`, which may live in the extracted map (`source`): every value is
    // copied out before the first Set, which can overwrite or move that string.
    if (scan_) {  // every group wraps the whole expression: each named value is the match
      std::string_view m;
      if (!scan_->Find(input, &m)) return;
      if (!source_ && names_.size() == 1) {  // m points into the line (not into the map)
        e.extracted.Assign(names_[0].second, m);
        return;
      }
      const std::string v(m);
      for (const auto& kv : names_) e.extracted.Set(kv.second, v);
      return;
    }
    const int n = whole_ ? 1 : static_cast<int>(groups_.size());
    if (!re_->Match(input, 0, input.size(), RE2::UNANCHORED, groups_.data(), n)) return;
    values_.resize(names_.size());
    for (size_t i = 0; i < names_.size(); ++i) {
      const auto& g = groups_[whole_ ? 0 : names_[i].first];
      values_[i].assign(g.data() ? g.data() : "", g.data() ? g.size() : 0);
    }
    for (size_t i = 0; i < names_.size(); ++i) e.extracted.Set(names_[i].second, values_[i]);
  }

  const LiteralRegex* LineScan(std::string_view* key) const override {
    if (source_ || !scan_ || names_.size() != 1) return nullptr;
    *key = names_[0].second;
    return &*scan_;
  }

  std::optional<std::string> source_;
  RegexPtr re_;
  std::vector<std::pair<int, std::string>> names_;
  std::vector<re2::StringPiece> groups_;
  std::vector<std::string> values_;  // group values copied out of the input (reused per line)
  bool whole_ = false;  // IsWholeGroup with one named group: group 0 is its value
  std::optional<LiteralRegex> scan_;  // set when the expression is a plain scan (no RE2 per line)
};

}  // namespace

Result<StagePtr> NewRegexStage(const YAML::Node& cfg, const StageContext& ctx) {
  ConfigReader r(cfg, "regex", ctx);
  r.Only({"expression", "source"});
  auto st = std::make_unique<RegexStage>();
  auto expr = r.String("expression");
  if (r.ok() && (!expr || expr->empty())) r.Fail("expression", "expression is required");
  if (cfg.IsMap() && cfg["source"].IsDefined()) {
    st->source_ = r.String("source").value_or("");
    if (st->source_->empty()) r.Fail("source", "empty source");
  }
  if (r.ok()) {
    auto re = CompileRegexp(*expr);
    if (!re.ok()) {
      r.Fail("expression", "could not compile regular expression \"" + *expr + "\": " + re.status().message());
    } else {
      st->re_ = *re;
      for (const auto& [name, idx] : st->re_->NamedCapturingGroups()) st->names_.emplace_back(idx, name);
      std::sort(st->names_.begin(), st->names_.end());
      st->groups_.resize(st->re_->NumberOfCapturingGroups() + 1);
      st->whole_ = st->names_.size() == 1 && st->names_[0].first == 1 && IsWholeGroup(*expr);
      st->scan_ = LiteralRegex::Recognize(*expr);
    }
  }
  SKALD_RETURN_IF_ERROR(r.Done());
  return StagePtr(std::move(st));
}

}  // namespace skald::pipeline
