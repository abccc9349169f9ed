// The recursive-descent parser behind parser.h (internal to common/logql). It throws ParseFailure
// internally; parser.cc catches it at the boundary and turns it into a Status.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/logql/ast.h"
#include "common/logql/lexer.h"

namespace skald::logql {

// line == col == 0 means a semantic error: printed `parse error : msg` like Loki.
struct ParseFailure {
  int line = 0, col = 0;
  std::string msg;
};

class Parser {
 public:
  explicit Parser(std::vector<Token> toks) : toks_(std::move(toks)) {}

  // Whole query; the last token must be EOF.
  ExprPtr ParseQuery();
  // `{...}` only (then EOF).
  Matchers ParseSelectorOnly();

 private:
  // --- token helpers (parser.cc) ---
  const Token& Cur() const { return toks_[pos_]; }
  const Token& PeekTok(size_t n = 1) const {
    return toks_[std::min(pos_ + n, toks_.size() - 1)];
  }
  bool Is(Tok t) const { return Cur().type == t; }
  bool IsIdent(std::string_view word) const { return Is(Tok::kIdent) && Cur().text == word; }
  Token Take() { return toks_[pos_ < toks_.size() - 1 ? pos_++ : pos_]; }
  Token Expect(Tok t, std::string_view expecting = "");
  std::string ExpectIdent();
  std::string ExpectString();
  [[noreturn]] void Unexpected(std::string_view expecting = "") const;
  [[noreturn]] static void Fail(std::string msg);  // semantic error (line 0, col 0)

  // --- log side (parser_log.cc) ---
  Matchers ParseSelector();
  bool AtStage() const;  // next token starts a pipeline stage
  // Parses stages until none follows; stops at `| unwrap` when `unwrap` is non-null and fills it.
  void ParseStages(std::vector<Stage>* out, std::optional<Unwrap>* unwrap);
  Stage ParseLineFilter();
  Stage ParsePipeStage(std::string_view name);
  Stage ParseParser(ParserKind kind);
  std::vector<LabelExtraction> ParseExtractions();
  Stage ParseLabelFormat();
  std::vector<LabelSelectItem> ParseLabelSelectItems();
  Unwrap ParseUnwrap();
  std::shared_ptr<const LabelFilter> ParseLabelFilterOr();
  std::shared_ptr<const LabelFilter> ParseLabelFilterAnd();
  std::shared_ptr<const LabelFilter> ParseLabelFilterPrimary();
  std::shared_ptr<const LabelFilter> ParseLabelFilterValue(std::string name, const Token& op);
  void ParseLabelFilterNumber(LabelFilter* f, bool string_op);  // number, duration or bytes

  // --- metric side (parser_metric.cc) ---
  ExprPtr ParseBinary(int min_prec);
  ExprPtr ParseUnary();
  ExprPtr ParsePrimary();
  ExprPtr ParseLogSelectorExpr();
  ExprPtr ParseRangeAggregation(RangeOp op);
  void ParseLogRange(LogRange* r);
  ExprPtr ParseVectorAggregation(VectorOp op);
  ExprPtr ParseLabelReplace();
  ExprPtr ParseVector();
  std::vector<std::string> ParseLabelList();  // `(a, b)`
  std::optional<Grouping> ParseGroupingOpt();
  void ParseBinOpModifiers(BinOpExpr* b);
  ExprPtr MakeBinOp(BinOp op, ExprPtr lhs, ExprPtr rhs, BinOpExpr&& mods);
  void ValidateRangeAggregation(const RangeAggregationExpr& e) const;

  std::vector<Token> toks_;
  size_t pos_ = 0;
  int paren_depth_ = 0;
};

// Loki's selector rule: at least one `=`/`=~` matcher that does not accept "".
void ValidateMatchers(const Matchers& ms);
// Makes a matcher, turning a regex error into a ParseFailure.
Matcher MakeMatcher(MatchType t, std::string name, std::string value);

}  // namespace skald::logql
