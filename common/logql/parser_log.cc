// Log-side grammar: stream selector, pipeline stages (line filters, parsers, label filters,
// formatters, drop/keep, decolorize, distinct) and `| unwrap` with its post-filters.
#include "common/logql/parser_impl.h"

// GCC 12 reports a false maybe-uninitialized inside std::variant<Stage...> moves here.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace skald::logql {

Matchers Parser::ParseSelector() {
  Expect(Tok::kLBrace, "{");
  Matchers ms;
  while (true) {
    std::string name = ExpectIdent();
    MatchType mt;
    switch (Cur().type) {
      case Tok::kEq: mt = MatchType::kEq; break;
      case Tok::kNeq: mt = MatchType::kNeq; break;
      case Tok::kRe: mt = MatchType::kRe; break;
      case Tok::kNre: mt = MatchType::kNre; break;
      default: Unexpected("!= or !~ or =~ or =");
    }
    Take();
    ms.push_back(MakeMatcher(mt, std::move(name), ExpectString()));
    if (Is(Tok::kComma)) {
      Take();
      continue;
    }
    Expect(Tok::kRBrace, "} or ,");
    break;
  }
  ValidateMatchers(ms);
  return ms;
}

bool Parser::AtStage() const {
  switch (Cur().type) {
    case Tok::kPipe: case Tok::kPipeEq: case Tok::kPipeRe: case Tok::kPipeGt:
    case Tok::kNeq: case Tok::kNre: case Tok::kNotGt:
      return true;
    default:
      return false;
  }
}

void Parser::ParseStages(std::vector<Stage>* out, std::optional<Unwrap>* unwrap) {
  while (AtStage()) {
    if (!Is(Tok::kPipe)) {
      out->push_back(ParseLineFilter());
      continue;
    }
    const Token& next = PeekTok();
    if (next.type == Tok::kIdent && next.text == "unwrap") {
      if (unwrap == nullptr) {
        pos_++;
        Unexpected();  // unwrap is only valid inside a range aggregation
      }
      Take();
      *unwrap = ParseUnwrap();
      return;
    }
    Take();
    if (Is(Tok::kIdent) && PeekTok().type != Tok::kEq && PeekTok().type != Tok::kNeq &&
        PeekTok().type != Tok::kRe && PeekTok().type != Tok::kNre && PeekTok().type != Tok::kGt &&
        PeekTok().type != Tok::kGte && PeekTok().type != Tok::kLt && PeekTok().type != Tok::kLte &&
        PeekTok().type != Tok::kEqEq) {
      std::string name = Take().text;
      out->push_back(ParsePipeStage(name));
    } else {
      out->push_back(LabelFilterStage{ParseLabelFilterOr()});
    }
  }
}

Stage Parser::ParseLineFilter() {
  LineFilterStage f;
  switch (Take().type) {
    case Tok::kPipeEq: f.op = LineFilterOp::kContains; break;
    case Tok::kNeq: f.op = LineFilterOp::kNotContains; break;
    case Tok::kPipeRe: f.op = LineFilterOp::kRegex; break;
    case Tok::kNre: f.op = LineFilterOp::kNotRegex; break;
    case Tok::kPipeGt: f.op = LineFilterOp::kPattern; break;
    default: f.op = LineFilterOp::kNotPattern; break;
  }
  while (true) {
    LineFilterStage::Term term;
    if (IsIdent("ip") && PeekTok().type == Tok::kLParen) {
      if (f.op != LineFilterOp::kContains && f.op != LineFilterOp::kNotContains) Unexpected();
      Take();
      Take();
      term.value = ExpectString();
      term.ip = true;
      Expect(Tok::kRParen, ")");
    } else {
      term.value = ExpectString();
    }
    f.terms.push_back(std::move(term));
    if (!IsIdent("or")) break;
    Take();
  }
  return f;
}

Stage Parser::ParsePipeStage(std::string_view name) {
  if (name == "json") return ParseParser(ParserKind::kJson);
  if (name == "logfmt") return ParseParser(ParserKind::kLogfmt);
  if (name == "regexp") return ParseParser(ParserKind::kRegexp);
  if (name == "pattern") return ParseParser(ParserKind::kPattern);
  if (name == "unpack") return ParseParser(ParserKind::kUnpack);
  if (name == "line_format") return LineFormatStage{ExpectString()};
  if (name == "label_format") return ParseLabelFormat();
  if (name == "drop") return DropStage{ParseLabelSelectItems()};
  if (name == "keep") return KeepStage{ParseLabelSelectItems()};
  if (name == "decolorize") return DecolorizeStage{};
  if (name == "distinct") {
    DistinctStage d;
    d.labels.push_back(ExpectIdent());
    while (Is(Tok::kComma)) {
      Take();
      d.labels.push_back(ExpectIdent());
    }
    return d;
  }
  pos_--;
  Unexpected();
}

Stage Parser::ParseParser(ParserKind kind) {
  ParserStage p;
  p.kind = kind;
  if (kind == ParserKind::kRegexp || kind == ParserKind::kPattern) {
    p.param = ExpectString();
    return p;
  }
  if (kind == ParserKind::kLogfmt) {
    while (Is(Tok::kDashDash)) {
      const Token& t = Cur();
      if (t.text == "strict") {
        p.strict = true;
      } else if (t.text == "keep-empty") {
        p.keep_empty = true;
      } else {
        Unexpected();
      }
      Take();
    }
  }
  if ((kind == ParserKind::kJson || kind == ParserKind::kLogfmt) && Is(Tok::kIdent))
    p.exprs = ParseExtractions();
  return p;
}

std::vector<LabelExtraction> Parser::ParseExtractions() {
  std::vector<LabelExtraction> out;
  while (true) {
    LabelExtraction e;
    e.label = ExpectIdent();
    if (Is(Tok::kEq)) {
      Take();
      e.expression = ExpectString();
    } else {
      e.expression = e.label;
    }
    out.push_back(std::move(e));
    if (!Is(Tok::kComma)) return out;
    Take();
  }
}

Stage Parser::ParseLabelFormat() {
  LabelFormatStage f;
  while (true) {
    LabelFormatStage::Item item;
    item.dst = ExpectIdent();
    Expect(Tok::kEq, "=");
    if (Is(Tok::kIdent)) {
      item.value = Take().text;
      item.rename = true;
    } else {
      item.value = ExpectString();
    }
    for (const auto& prev : f.items)
      if (prev.dst == item.dst)
        Fail("multiple label name '" + item.dst + "' not allowed in a single format operation");
    f.items.push_back(std::move(item));
    if (!Is(Tok::kComma)) return f;
    Take();
  }
}

std::vector<LabelSelectItem> Parser::ParseLabelSelectItems() {
  std::vector<LabelSelectItem> out;
  while (true) {
    LabelSelectItem item;
    item.name = ExpectIdent();
    std::optional<MatchType> mt;
    switch (Cur().type) {
      case Tok::kEq: mt = MatchType::kEq; break;
      case Tok::kNeq: mt = MatchType::kNeq; break;
      case Tok::kRe: mt = MatchType::kRe; break;
      case Tok::kNre: mt = MatchType::kNre; break;
      default: break;
    }
    if (mt) {
      Take();
      item.matcher = MakeMatcher(*mt, item.name, ExpectString());
    }
    out.push_back(std::move(item));
    if (!Is(Tok::kComma)) return out;
    Take();
  }
}

Unwrap Parser::ParseUnwrap() {
  Unwrap u;
  Take();  // `unwrap`
  static const std::pair<const char*, Unwrap::Conv> kConv[] = {
      {"duration", Unwrap::Conv::kDuration},
      {"duration_seconds", Unwrap::Conv::kDurationSeconds},
      {"bytes", Unwrap::Conv::kBytes}};
  if (Is(Tok::kIdent) && PeekTok().type == Tok::kLParen) {
    bool known = false;
    for (const auto& [name, conv] : kConv) {
      if (Cur().text == name) {
        u.conv = conv;
        known = true;
      }
    }
    if (!known) Unexpected();
    Take();
    Take();
    u.label = ExpectIdent();
    Expect(Tok::kRParen, ")");
  } else {
    u.label = ExpectIdent();
  }
  while (Is(Tok::kPipe)) {
    Take();
    u.post_filters.push_back(ParseLabelFilterOr());
  }
  return u;
}

namespace {

std::shared_ptr<const LabelFilter> Combine(LabelFilter::Kind k, bool comma,
                                           std::shared_ptr<const LabelFilter> l,
                                           std::shared_ptr<const LabelFilter> r) {
  auto f = std::make_shared<LabelFilter>();
  f->kind = k;
  f->comma = comma;
  f->left = std::move(l);
  f->right = std::move(r);
  return f;
}

}  // namespace

std::shared_ptr<const LabelFilter> Parser::ParseLabelFilterOr() {
  auto left = ParseLabelFilterAnd();
  while (IsIdent("or")) {
    Take();
    left = Combine(LabelFilter::Kind::kOr, false, std::move(left), ParseLabelFilterAnd());
  }
  return left;
}

std::shared_ptr<const LabelFilter> Parser::ParseLabelFilterAnd() {
  auto left = ParseLabelFilterPrimary();
  while (true) {
    bool comma = Is(Tok::kComma);
    if (IsIdent("and") || comma) {
      Take();
    } else if (!(Is(Tok::kLParen) || (Is(Tok::kIdent) && !IsIdent("or") && !IsIdent("offset")))) {
      return left;
    }
    left = Combine(LabelFilter::Kind::kAnd, comma, std::move(left), ParseLabelFilterPrimary());
  }
}

std::shared_ptr<const LabelFilter> Parser::ParseLabelFilterPrimary() {
  if (Is(Tok::kLParen)) {
    Take();
    auto f = ParseLabelFilterOr();
    Expect(Tok::kRParen, ")");
    return f;
  }
  std::string name = ExpectIdent();
  switch (Cur().type) {
    case Tok::kEq: case Tok::kNeq: case Tok::kRe: case Tok::kNre: case Tok::kGt:
    case Tok::kGte: case Tok::kLt: case Tok::kLte: case Tok::kEqEq:
      break;
    default:
      Unexpected();  // goyacc lists expected tokens only when there are at most four
  }
  Token op = Take();
  return ParseLabelFilterValue(std::move(name), op);
}

}  // namespace skald::logql
