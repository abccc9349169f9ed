// Label filters compiled from the AST's LabelFilter tree: string matchers, numeric, duration and
// bytes comparisons, ip(), and/or. Non-string filters skip lines already carrying __error__ and
// mark unparsable values with __error__=LabelFilterErr (the line is kept), as Loki does.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "common/logql/ast.h"
#include "common/logql/log/ip_matcher.h"
#include "common/logql/log/stage.h"

namespace skald::logql::log {

class LabelFilterExpr {
 public:
  static Result<std::unique_ptr<LabelFilterExpr>> Compile(const LabelFilter& f);
  bool Process(LineState& s) const;

 private:
  bool Leaf(LineState& s) const;
  bool Compare(double v) const;

  LabelFilter::Kind kind_ = LabelFilter::Kind::kString;
  CmpOp op_ = CmpOp::kEq;
  std::string name_;
  std::optional<Matcher> matcher_;
  double number_ = 0;
  std::shared_ptr<const IpMatcher> ip_;
  std::unique_ptr<LabelFilterExpr> left_, right_;
};

class LabelFilterStage final : public Stage {
 public:
  explicit LabelFilterStage(std::unique_ptr<LabelFilterExpr> e) : expr_(std::move(e)) {}
  bool Process(LineState& s) const override { return expr_->Process(s); }

 private:
  std::unique_ptr<LabelFilterExpr> expr_;
};

// Go's strconv.ParseFloat acceptance (no surrounding spaces); error text like Go's.
bool ParseGoFloat(std::string_view s, double* out, std::string* err);

}  // namespace skald::logql::log
