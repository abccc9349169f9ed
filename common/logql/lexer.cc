// LogQL tokenizer: numbers/durations/bytes literals, Go strings, operators, `[range]`, comments.
// Errors carry Loki's `parse error at line L, col C:` prefix.
#include "common/logql/lexer.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

#include "common/labels.h"
#include "common/logql/units.h"

namespace skald::logql {

std::string ParseErrorMessage(int line, int col, std::string_view msg) {
  if (line == 0 && col == 0) return "parse error : " + std::string(msg);
  return "parse error at line " + std::to_string(line) + ", col " + std::to_string(col) + ": " +
         std::string(msg);
}

namespace {

bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

class Lexer {
 public:
  explicit Lexer(std::string_view q) : q_(q) {}

  Result<std::vector<Token>> Run() {
    std::vector<Token> out;
    while (true) {
      SkipSpaceAndComments();
      Token t;
      t.line = line_;
      t.col = col_;
      if (pos_ >= q_.size()) {
        out.push_back(t);
        return out;
      }
      Status st = Next(&t);
      if (!st.ok()) return st;
      out.push_back(std::move(t));
    }
  }

 private:
  char Peek(size_t ahead = 0) const {
    return pos_ + ahead < q_.size() ? q_[pos_ + ahead] : '\0';
  }
  void Advance(size_t n = 1) {
    for (size_t i = 0; i < n && pos_ < q_.size(); ++i, ++pos_) {
      if (q_[pos_] == '\n') {
        ++line_;
        col_ = 1;
      } else if ((static_cast<unsigned char>(q_[pos_]) & 0xC0) != 0x80) {
        ++col_;  // columns count characters, not UTF-8 continuation bytes
      }
    }
  }
  void SkipSpaceAndComments() {
    while (pos_ < q_.size()) {
      char c = q_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        Advance();
      } else if (c == '#') {
        while (pos_ < q_.size() && q_[pos_] != '\n') Advance();
      } else {
        return;
      }
    }
  }
  Status Error(const Token& t, std::string_view msg) const {
    return Status::Invalid(ParseErrorMessage(t.line, t.col, msg));
  }

  Status Next(Token* t) {
    char c = Peek();
    if (IsIdentStart(c)) {
      size_t s = pos_;
      while (IsIdentChar(Peek())) Advance();
      t->type = Tok::kIdent;
      t->text = std::string(q_.substr(s, pos_ - s));
      return Status::Ok();
    }
    if (IsDigit(c) || (c == '.' && IsDigit(Peek(1)))) return Number(t);
    if (c == '"' || c == '`') return String(t);
    if (c == '[') return Range(t);
    if (c == '-' && Peek(1) == '-' && IsIdentStart(Peek(2))) {
      Advance(2);
      size_t s = pos_;
      while (IsIdentChar(Peek()) || Peek() == '-') Advance();
      t->type = Tok::kDashDash;
      t->text = std::string(q_.substr(s, pos_ - s));
      return Status::Ok();
    }
    return Operator(t);
  }

  Status Operator(Token* t) {
    struct Op { const char* s; Tok t; };
    static const Op kOps[] = {
        {"|=", Tok::kPipeEq}, {"|~", Tok::kPipeRe}, {"|>", Tok::kPipeGt}, {"!>", Tok::kNotGt},
        {"!=", Tok::kNeq},    {"!~", Tok::kNre},    {"=~", Tok::kRe},     {"==", Tok::kEqEq},
        {">=", Tok::kGte},    {"<=", Tok::kLte},    {"=", Tok::kEq},      {"|", Tok::kPipe},
        {">", Tok::kGt},      {"<", Tok::kLt},      {"{", Tok::kLBrace},  {"}", Tok::kRBrace},
        {"(", Tok::kLParen},  {")", Tok::kRParen},  {",", Tok::kComma},   {"+", Tok::kAdd},
        {"-", Tok::kSub},     {"*", Tok::kMul},     {"/", Tok::kDiv},     {"%", Tok::kMod},
        {"^", Tok::kPow},
    };
    for (const Op& op : kOps) {
      std::string_view s(op.s);
      if (q_.substr(pos_, s.size()) == s) {
        t->type = op.t;
        t->text = std::string(s);
        Advance(s.size());
        return Status::Ok();
      }
    }
    size_t n = 1;
    while (pos_ + n < q_.size() && (static_cast<unsigned char>(q_[pos_ + n]) & 0xC0) == 0x80) ++n;
    return Error(*t, "syntax error: unexpected " + std::string(q_.substr(pos_, n)));
  }

  Status String(Token* t) {
    char quote = Peek();
    size_t s = pos_;
    Advance();
    while (pos_ < q_.size() && q_[pos_] != quote) {
      if (quote == '"' && q_[pos_] == '\n') break;
      if (quote == '"' && q_[pos_] == '\\') Advance();
      Advance();
    }
    if (pos_ >= q_.size() || q_[pos_] != quote) return Error(*t, "literal not terminated");
    Advance();
    auto v = GoUnquote(q_.substr(s, pos_ - s));
    if (!v.ok()) return Error(*t, "invalid syntax");
    t->type = Tok::kString;
    t->text = std::move(v).value();
    return Status::Ok();
  }

  Status Range(Token* t) {
    Advance();
    size_t s = pos_;
    while (pos_ < q_.size() && q_[pos_] != ']') Advance();
    // Loki reports range problems at line 0 and the column of `[`.
    if (pos_ >= q_.size())
      return Status::Invalid(ParseErrorMessage(0, t->col, "missing closing ']' in duration"));
    std::string inner(q_.substr(s, pos_ - s));
    Advance();
    size_t b = inner.find_first_not_of(" \t"), e = inner.find_last_not_of(" \t");
    std::string d = b == std::string::npos ? "" : inner.substr(b, e - b + 1);
    auto ns = ParseLogqlDuration(d);
    if (!ns) return Status::Invalid(ParseErrorMessage(0, t->col, "time: invalid duration \"" + d + "\""));
    t->type = Tok::kRange;
    t->text = d;
    t->number = static_cast<double>(*ns);
    return Status::Ok();
  }

  Status Number(Token* t);
  void ScanDigits();

  std::string_view q_;
  size_t pos_ = 0;
  int line_ = 1, col_ = 1;
};

// Scans a Go-style number (decimal, fraction, exponent, or hex) without a unit suffix.
void Lexer::ScanDigits() {
  if (Peek() == '0' && (Peek(1) == 'x' || Peek(1) == 'X') && std::isxdigit(static_cast<unsigned char>(Peek(2)))) {
    Advance(2);
    while (std::isxdigit(static_cast<unsigned char>(Peek()))) Advance();
  } else {
    while (IsDigit(Peek())) Advance();
    if (Peek() == '.') {
      Advance();
      while (IsDigit(Peek())) Advance();
    }
    if ((Peek() == 'e' || Peek() == 'E') &&
        (IsDigit(Peek(1)) || ((Peek(1) == '+' || Peek(1) == '-') && IsDigit(Peek(2))))) {
      Advance(2);
      while (IsDigit(Peek())) Advance();
    }
  }
}

Status Lexer::Number(Token* t) {
  size_t s = pos_;
  ScanDigits();
  size_t num_end = pos_;
  // A unit suffix makes it a duration (`1.5m`, `1h30m`) or a byte size (`20MB`, `1KiB`).
  auto unit_char = [&] {
    unsigned char u = static_cast<unsigned char>(Peek());
    return std::isalnum(u) || u == '.' || u == 0xC2 || u == 0xB5 || u == 0xCE || u == 0xBC;
  };
  while (unit_char()) Advance();
  std::string text(q_.substr(s, pos_ - s));
  t->text = text;
  if (pos_ == num_end) {
    t->type = Tok::kNumber;
    t->number = std::strtod(text.c_str(), nullptr);
    if (!std::isfinite(t->number)) {
      return Status::Invalid(ParseErrorMessage(
          0, 0, "unable to parse literal as a float: strconv.ParseFloat: parsing \"" + text +
                    "\": value out of range"));
    }
    return Status::Ok();
  }
  if (auto d = ParseLogqlDuration(text)) {
    t->type = Tok::kDuration;
    t->number = static_cast<double>(*d);
    return Status::Ok();
  }
  char last = static_cast<char>(std::tolower(static_cast<unsigned char>(text.back())));
  if (last == 'b') {
    if (auto b = ParseBytes(text)) {
      t->type = Tok::kBytes;
      t->number = static_cast<double>(*b);
      return Status::Ok();
    }
  }
  return Error(*t, "syntax error: unexpected IDENTIFIER");
}

}  // namespace

Result<std::vector<Token>> Lex(std::string_view query) { return Lexer(query).Run(); }

bool IsKeyword(std::string_view word) {
  static const char* const kKeywords[] = {
      "by", "without", "bool", "on", "ignoring", "group_left", "group_right", "offset",
      "unwrap", "ip", "json", "logfmt", "regexp", "unpack", "pattern", "line_format",
      "label_format", "drop", "keep", "decolorize", "distinct", "and", "or", "unless",
      "vector", "label_replace"};
  for (const char* k : kKeywords)
    if (word == k) return true;
  return false;
}

std::string TokenDescription(const Token& t) {
  switch (t.type) {
    case Tok::kEOF: return "$end";
    case Tok::kIdent: return IsKeyword(t.text) ? t.text : "IDENTIFIER";
    case Tok::kString: return "STRING";
    case Tok::kNumber: return "NUMBER";
    case Tok::kDuration: return "DURATION";
    case Tok::kBytes: return "BYTES";
    case Tok::kRange: return "RANGE";
    case Tok::kDashDash: return "PARSER_FLAG";
    default: return t.text;
  }
}

}  // namespace skald::logql
