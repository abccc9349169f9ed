// Parser entry points (parser.h) and shared token helpers; ParseFailure is caught here.
// Log-side rules are in parser_log.cc, metric-side rules in parser_metric.cc.
#include "common/logql/parser.h"

#include "common/logql/parser_impl.h"
#include "common/logql/printer.h"

namespace skald::logql {

Token Parser::Expect(Tok t, std::string_view expecting) {
  if (!Is(t)) Unexpected(expecting);
  return Take();
}

std::string Parser::ExpectIdent() { return Expect(Tok::kIdent, "IDENTIFIER").text; }

std::string Parser::ExpectString() { return Expect(Tok::kString, "STRING").text; }

void Parser::Unexpected(std::string_view expecting) const {
  std::string msg = "syntax error: unexpected " + TokenDescription(Cur());
  if (!expecting.empty()) msg += ", expecting " + std::string(expecting);
  // Loki's scanner loses the line number after a `[range]` token: it reports line 0 there.
  throw ParseFailure{Cur().type == Tok::kRange ? 0 : Cur().line, Cur().col, std::move(msg)};
}

void Parser::Fail(std::string msg) { throw ParseFailure{0, 0, std::move(msg)}; }

Matcher MakeMatcher(MatchType t, std::string name, std::string value) {
  auto m = Matcher::Make(t, std::move(name), std::move(value));
  if (!m.ok()) throw ParseFailure{0, 0, m.status().message()};
  return std::move(m).value();
}

void ValidateMatchers(const Matchers& ms) {
  for (const Matcher& m : ms) {
    bool positive = m.type() == MatchType::kEq || m.type() == MatchType::kRe;
    if (positive && !m.MatchesEmpty()) return;
  }
  throw ParseFailure{0, 0,
                     "queries require at least one regexp or equality matcher that does not have "
                     "an empty-compatible value. For instance, app=~\".*\" does not meet this "
                     "requirement, but app=~\".+\" will"};
}

ExprPtr Parser::ParseQuery() {
  if (Is(Tok::kEOF)) Unexpected();
  ExprPtr e = ParseBinary(0);
  if (!Is(Tok::kEOF)) Unexpected();
  return e;
}

Matchers Parser::ParseSelectorOnly() {
  Matchers ms = ParseSelector();
  if (!Is(Tok::kEOF)) Unexpected();
  return ms;
}

namespace {

template <typename F>
auto RunParser(std::string_view text, F&& f) -> Result<decltype(f(std::declval<Parser&>()))> {
  auto toks = Lex(text);
  if (!toks.ok()) return toks.status();
  Parser p(std::move(toks).value());
  try {
    return f(p);
  } catch (const ParseFailure& pf) {
    return Status::Invalid(ParseErrorMessage(pf.line, pf.col, pf.msg));
  }
}

}  // namespace

Result<std::unique_ptr<Expr>> ParseExpr(std::string_view query) {
  return RunParser(query, [](Parser& p) { return p.ParseQuery(); });
}

Result<Matchers> ParseStreamSelector(std::string_view selector) {
  return RunParser(selector, [](Parser& p) { return p.ParseSelectorOnly(); });
}

Result<std::unique_ptr<LogSelectorExpr>> ParseLogSelector(std::string_view query) {
  auto e = ParseExpr(query);
  if (!e.ok()) return e.status();
  if (!(*e)->IsLog()) return Status::Invalid(ParseErrorMessage(0, 0, "only log queries are supported"));
  return std::unique_ptr<LogSelectorExpr>(static_cast<LogSelectorExpr*>(std::move(e).value().release()));
}

Result<std::unique_ptr<Expr>> ParseSampleExpr(std::string_view query) {
  auto e = ParseExpr(query);
  if (!e.ok()) return e.status();
  if ((*e)->IsLog()) return Status::Invalid(ParseErrorMessage(0, 0, "only metric queries are supported"));
  return e;
}

ExprPtr CloneExpr(const Expr& e) {
  auto r = ParseExpr(Print(e));
  return r.ok() ? std::move(r).value() : nullptr;  // printing round-trips, so never null
}

}  // namespace skald::logql
