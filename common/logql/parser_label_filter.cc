// Label-filter leaves: `name op value` where value is a string, number, duration, bytes or ip().
// Which leaf kind is built depends on the literal's token, as in Loki.
#include "common/logql/parser_impl.h"

namespace skald::logql {
namespace {

CmpOp ToCmpOp(Tok t) {
  switch (t) {
    case Tok::kEq: return CmpOp::kEq;
    case Tok::kNeq: return CmpOp::kNeq;
    case Tok::kRe: return CmpOp::kRe;
    case Tok::kNre: return CmpOp::kNre;
    case Tok::kGt: return CmpOp::kGt;
    case Tok::kGte: return CmpOp::kGte;
    case Tok::kLt: return CmpOp::kLt;
    case Tok::kLte: return CmpOp::kLte;
    default: return CmpOp::kEqEq;
  }
}

}  // namespace

std::shared_ptr<const LabelFilter> Parser::ParseLabelFilterValue(std::string name,
                                                                 const Token& op_tok) {
  auto f = std::make_shared<LabelFilter>();
  f->name = std::move(name);
  f->op = ToCmpOp(op_tok.type);
  bool string_op = f->op == CmpOp::kEq || f->op == CmpOp::kNeq || f->op == CmpOp::kRe ||
                   f->op == CmpOp::kNre;
  bool numeric_op = f->op != CmpOp::kRe && f->op != CmpOp::kNre;
  if (Is(Tok::kString) && string_op) {
    f->kind = LabelFilter::Kind::kString;
    f->text = Take().text;
    MatchType mt = f->op == CmpOp::kEq    ? MatchType::kEq
                   : f->op == CmpOp::kNeq ? MatchType::kNeq
                   : f->op == CmpOp::kRe  ? MatchType::kRe
                                          : MatchType::kNre;
    f->matcher = MakeMatcher(mt, f->name, f->text);
    return f;
  }
  if (IsIdent("ip") && PeekTok().type == Tok::kLParen &&
      (f->op == CmpOp::kEq || f->op == CmpOp::kNeq)) {
    Take();
    Take();
    f->kind = LabelFilter::Kind::kIp;
    f->text = ExpectString();
    Expect(Tok::kRParen, ")");
    return f;
  }
  if (!numeric_op) Unexpected("STRING");  // =~ and !~ take only strings
  ParseLabelFilterNumber(f.get(), string_op);
  return f;
}

void Parser::ParseLabelFilterNumber(LabelFilter* f, bool string_op) {
  std::string sign;
  if (Is(Tok::kSub) || Is(Tok::kAdd)) {
    if (PeekTok().type != Tok::kNumber) Unexpected("NUMBER");
    sign = Take().text;
  }
  switch (Cur().type) {
    case Tok::kNumber:
      f->kind = LabelFilter::Kind::kNumber;
      f->number = sign == "-" ? -Cur().number : Cur().number;
      f->text = (sign == "-" ? "-" : "") + Cur().text;
      break;
    case Tok::kDuration:
      f->kind = LabelFilter::Kind::kDuration;
      f->number = Cur().number / 1e9;
      f->text = Cur().text;
      break;
    case Tok::kBytes:
      f->kind = LabelFilter::Kind::kBytes;
      f->number = Cur().number;
      f->text = Cur().text;
      break;
    default:
      Unexpected(string_op ? "BYTES or STRING or NUMBER or DURATION" : "BYTES or NUMBER or DURATION");
  }
  Take();
  if (f->op == CmpOp::kEq) f->op = CmpOp::kEqEq;  // numeric `=` means `==` (printed as such)
}

}  // namespace skald::logql
