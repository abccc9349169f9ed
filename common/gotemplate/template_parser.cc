// Template::Parse: a lexer for `{{ }}` actions (with `{{-`/`-}}` trim markers and comments) and a
// recursive-descent parser building the TemplateAst; functions are resolved here.
#include <cctype>
#include <cerrno>
#include <cstdlib>

#include "common/gotemplate/template.h"
#include "common/gotemplate/template_ast.h"
#include "common/labels.h"

namespace skald::gotemplate {
namespace {

struct Token {
  enum class Kind { kIdent, kField, kDot, kVar, kConst, kPipe, kLParen, kRParen, kDecl, kAssign };
  Kind kind;
  std::string text;
  Value constant;
};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

class Parser {
 public:
  explicit Parser(std::string_view src) : src_(src) {}

  Status ParseAll(std::vector<Node>* out) {
    std::string term;
    SKALD_RETURN_IF_ERROR(ParseList(out, &term));
    if (!term.empty()) return Err("unexpected {{" + term + "}}");
    return Status::Ok();
  }

 private:
  Status Err(const std::string& msg) const {
    return Status::Invalid("template: line:" + std::to_string(line_) + ": " + msg);
  }

  // Parses nodes until EOF or a {{else}}/{{end}} action; *term gets "else", "end" or "".
  // After "else", toks_/tok_pos_ hold the rest of the else action (e.g. `if .x`).
  Status ParseList(std::vector<Node>* out, std::string* term) {
    term->clear();
    while (pos_ < src_.size()) {
      size_t open = src_.find("{{", pos_);
      std::string_view text = src_.substr(pos_, open == std::string_view::npos ? src_.npos : open - pos_);
      bool trim_left = open != std::string_view::npos && open + 3 < src_.size() + 1 &&
                       src_.substr(open).size() >= 4 && src_[open + 2] == '-' && IsSpace(src_[open + 3]);
      if (trim_left) while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
      if (trim_right_) while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
      trim_right_ = false;
      if (!text.empty()) AddText(out, text);
      for (char c : src_.substr(pos_, open == std::string_view::npos ? src_.npos : open - pos_))
        line_ += c == '\n';
      if (open == std::string_view::npos) { pos_ = src_.size(); break; }
      pos_ = open + 2 + (trim_left ? 2 : 0);
      bool comment = false;
      SKALD_RETURN_IF_ERROR(LexAction(&comment));
      if (comment) continue;
      SKALD_RETURN_IF_ERROR(ParseAction(out, term));
      if (!term->empty()) return Status::Ok();
    }
    return Status::Ok();
  }

  void AddText(std::vector<Node>* out, std::string_view text) {
    if (!out->empty() && out->back().kind == Node::Kind::kText) {
      out->back().text.append(text);
      return;
    }
    Node n;
    n.kind = Node::Kind::kText;
    n.text = std::string(text);
    out->push_back(std::move(n));
  }

  Status ParseAction(std::vector<Node>* out, std::string* term) {
    if (toks_.empty()) return Err("missing value for command");
    const Token& t = toks_[0];
    if (t.kind == Token::Kind::kIdent) {
      if (t.text == "end") {
        if (toks_.size() > 1) return Err("unexpected token in end");
        *term = "end";
        return Status::Ok();
      }
      if (t.text == "else") {
        *term = "else";
        tok_pos_ = 1;
        return Status::Ok();
      }
      if (t.text == "if" || t.text == "with") {
        tok_pos_ = 1;
        return ParseControl(t.text == "if" ? Node::Kind::kIf : Node::Kind::kWith, out);
      }
      if (t.text == "range" || t.text == "define" || t.text == "template" || t.text == "block" ||
          t.text == "break" || t.text == "continue") {
        return Err("{{" + t.text + "}} is not supported");
      }
    }
    tok_pos_ = 0;
    Node n;
    n.kind = Node::Kind::kAction;
    SKALD_RETURN_IF_ERROR(ParsePipe(&n.pipe, true));
    out->push_back(std::move(n));
    return Status::Ok();
  }

  // tok_pos_ points after `if`/`with`; parses the pipe, the body, else-chains and the end.
  Status ParseControl(Node::Kind kind, std::vector<Node>* out) {
    Node n;
    n.kind = kind;
    SKALD_RETURN_IF_ERROR(ParsePipe(&n.pipe, true));
    std::string term;
    SKALD_RETURN_IF_ERROR(ParseList(&n.list, &term));
    if (term.empty()) return Err("unexpected EOF");
    if (term == "else") {
      if (tok_pos_ < toks_.size()) {
        const Token& t = toks_[tok_pos_];
        if (t.kind != Token::Kind::kIdent || (t.text != "if" && t.text != "with"))
          return Err("unexpected token in else");
        Node::Kind k = t.text == "if" ? Node::Kind::kIf : Node::Kind::kWith;
        ++tok_pos_;
        // The nested control consumes the shared {{end}}.
        SKALD_RETURN_IF_ERROR(ParseControl(k, &n.else_list));
      } else {
        SKALD_RETURN_IF_ERROR(ParseList(&n.else_list, &term));
        if (term != "end") return Err(term.empty() ? "unexpected EOF" : "expected end; found else");
      }
    }
    out->push_back(std::move(n));
    return Status::Ok();
  }

  Status ParsePipe(Pipe* p, bool top) {
    p->line = line_;
    if (top && toks_.size() - tok_pos_ >= 2 && toks_[tok_pos_].kind == Token::Kind::kVar &&
        (toks_[tok_pos_ + 1].kind == Token::Kind::kDecl ||
         toks_[tok_pos_ + 1].kind == Token::Kind::kAssign)) {
      p->decl = toks_[tok_pos_].text;
      p->assign = toks_[tok_pos_ + 1].kind == Token::Kind::kAssign;
      tok_pos_ += 2;
    }
    for (;;) {
      Cmd cmd;
      while (tok_pos_ < toks_.size()) {
        const Token& t = toks_[tok_pos_];
        if (t.kind == Token::Kind::kPipe || t.kind == Token::Kind::kRParen) break;
        Arg a;
        SKALD_RETURN_IF_ERROR(ParseArg(&a, cmd.args.empty()));
        cmd.args.push_back(std::move(a));
      }
      if (cmd.args.empty()) return Err("missing value for command");
      if (cmd.args[0].kind != Arg::Kind::kFunc && cmd.args.size() > 1)
        return Err("can't give argument to non-function " + cmd.args[0].name);
      p->cmds.push_back(std::move(cmd));
      if (tok_pos_ < toks_.size() && toks_[tok_pos_].kind == Token::Kind::kPipe) {
        ++tok_pos_;
        continue;
      }
      break;
    }
    if (top && tok_pos_ < toks_.size()) return Err("unexpected \")\" in command");
    return Status::Ok();
  }

  Status ParseArg(Arg* a, bool first) {
    const Token& t = toks_[tok_pos_++];
    switch (t.kind) {
      case Token::Kind::kField: a->kind = Arg::Kind::kField; a->name = t.text; break;
      case Token::Kind::kDot: a->kind = Arg::Kind::kDot; break;
      case Token::Kind::kVar: a->kind = Arg::Kind::kVar; a->name = t.text; break;
      case Token::Kind::kConst: a->kind = Arg::Kind::kConst; a->constant = t.constant; break;
      case Token::Kind::kIdent: {
        if (t.text == "true" || t.text == "false") {
          a->kind = Arg::Kind::kConst;
          a->constant = Value::Bool(t.text == "true");
          break;
        }
        if (t.text == "nil") { a->kind = Arg::Kind::kConst; break; }
        a->fn = FindFunction(t.text);
        if (a->fn == nullptr) return Err("function \"" + t.text + "\" not defined");
        a->kind = Arg::Kind::kFunc;
        a->name = t.text;
        if (!first) {  // a function used as an argument is called with no arguments
          auto p = std::make_shared<Pipe>();
          Cmd c;
          c.args.push_back(*a);
          p->cmds.push_back(std::move(c));
          a->kind = Arg::Kind::kPipe;
          a->pipe = std::move(p);
        }
        break;
      }
      case Token::Kind::kLParen: {
        auto p = std::make_shared<Pipe>();
        SKALD_RETURN_IF_ERROR(ParsePipe(p.get(), false));
        if (tok_pos_ >= toks_.size() || toks_[tok_pos_].kind != Token::Kind::kRParen)
          return Err("unclosed left paren");
        ++tok_pos_;
        a->kind = Arg::Kind::kPipe;
        a->pipe = std::move(p);
        break;
      }
      default:
        return Err("unexpected \"" + t.text + "\" in operand");
    }
    return Status::Ok();
  }

  // Lexes one action starting at pos_ (after "{{" and an optional "- ") into toks_.
  Status LexAction(bool* comment) {
    toks_.clear();
    tok_pos_ = 0;
    while (pos_ < src_.size() && IsSpace(src_[pos_])) line_ += src_[pos_++] == '\n';
    if (src_.substr(pos_, 2) == "/*") {
      size_t end = src_.find("*/", pos_);
      if (end == std::string_view::npos) return Err("unclosed comment");
      pos_ = end + 2;
      *comment = true;
      return CloseAction();
    }
    for (;;) {
      while (pos_ < src_.size() && IsSpace(src_[pos_])) line_ += src_[pos_++] == '\n';
      if (pos_ >= src_.size()) return Err("unclosed action");
      if (src_.substr(pos_, 2) == "}}" || src_.substr(pos_, 3) == "-}}") return CloseAction();
      SKALD_RETURN_IF_ERROR(LexToken());
    }
  }

  Status CloseAction() {
    while (pos_ < src_.size() && IsSpace(src_[pos_])) line_ += src_[pos_++] == '\n';
    if (src_.substr(pos_, 3) == "-}}") {
      trim_right_ = true;
      pos_ += 3;
      return Status::Ok();
    }
    if (src_.substr(pos_, 2) != "}}") return Err("unclosed action");
    pos_ += 2;
    return Status::Ok();
  }

  Status LexToken() {
    char c = src_[pos_];
    Token t{Token::Kind::kConst, {}, {}};
    size_t start = pos_;
    if (c == '|') { t.kind = Token::Kind::kPipe; ++pos_; }
    else if (c == '(') { t.kind = Token::Kind::kLParen; ++pos_; }
    else if (c == ')') { t.kind = Token::Kind::kRParen; ++pos_; }
    else if (c == ':' && src_.substr(pos_, 2) == ":=") { t.kind = Token::Kind::kDecl; pos_ += 2; }
    else if (c == '=') { t.kind = Token::Kind::kAssign; ++pos_; }
    else if (c == '"' || c == '`') return LexString(c);
    else if (c == '.' && (pos_ + 1 >= src_.size() || !IsIdentChar(src_[pos_ + 1]))) {
      t.kind = Token::Kind::kDot; ++pos_;
    } else if (c == '.' && !std::isdigit(static_cast<unsigned char>(src_[pos_ + 1]))) {
      ++pos_;
      while (pos_ < src_.size() && IsIdentChar(src_[pos_])) ++pos_;
      if (pos_ < src_.size() && src_[pos_] == '.' && pos_ + 1 < src_.size() && IsIdentChar(src_[pos_ + 1]))
        return Err("nested field access " + std::string(src_.substr(start, pos_ - start + 1)) + "... is not supported");
      t.kind = Token::Kind::kField;
      t.text = std::string(src_.substr(start + 1, pos_ - start - 1));
    } else if (c == '$') {
      ++pos_;
      while (pos_ < src_.size() && IsIdentChar(src_[pos_])) ++pos_;
      t.kind = Token::Kind::kVar;
      t.text = std::string(src_.substr(start, pos_ - start));
      if (t.text == "$" && pos_ + 1 < src_.size() && src_[pos_] == '.' && IsIdentChar(src_[pos_ + 1])) {
        size_t f = ++pos_;  // `$.name`: a field of the root data, even inside {{with}}
        while (pos_ < src_.size() && IsIdentChar(src_[pos_])) ++pos_;
        t.kind = Token::Kind::kField;
        t.text.assign(1, '$').append(src_.substr(f, pos_ - f));
      }
    } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.') {
      return LexNumber();
    } else if (IsIdentChar(c)) {
      while (pos_ < src_.size() && IsIdentChar(src_[pos_])) ++pos_;
      t.kind = Token::Kind::kIdent;
      t.text = std::string(src_.substr(start, pos_ - start));
    } else {
      return Err(std::string("unexpected \"") + c + "\" in command");
    }
    toks_.push_back(std::move(t));
    return Status::Ok();
  }

  Status LexString(char quote) {
    size_t start = pos_++;
    while (pos_ < src_.size() && src_[pos_] != quote) {
      if (quote == '"' && src_[pos_] == '\\') ++pos_;
      if (quote == '"' && pos_ < src_.size() && src_[pos_] == '\n') return Err("unterminated quoted string");
      ++pos_;
    }
    if (pos_ >= src_.size()) return Err("unterminated quoted string");
    ++pos_;
    auto s = GoUnquote(src_.substr(start, pos_ - start));
    if (!s.ok()) return Err(s.status().message());
    Token t{Token::Kind::kConst, {}, Value::Str(std::move(*s))};
    toks_.push_back(std::move(t));
    return Status::Ok();
  }

  Status LexNumber() {
    size_t start = pos_;
    if (src_[pos_] == '-' || src_[pos_] == '+') ++pos_;
    while (pos_ < src_.size() && (IsIdentChar(src_[pos_]) || src_[pos_] == '.' ||
                                  ((src_[pos_] == '-' || src_[pos_] == '+') &&
                                   (src_[pos_ - 1] == 'e' || src_[pos_ - 1] == 'E')))) ++pos_;
    std::string num(src_.substr(start, pos_ - start));
    Token t{Token::Kind::kConst, num, {}};
    char* end = nullptr;
    errno = 0;
    long long iv = std::strtoll(num.c_str(), &end, 0);
    if (end == num.c_str() + num.size() && errno == 0 && num.find_first_of(".eE") == std::string::npos) {
      t.constant = Value::Int(iv);
    } else {
      double dv = std::strtod(num.c_str(), &end);
      if (end != num.c_str() + num.size() || num.empty())
        return Err("bad number syntax: \"" + num + "\"");
      t.constant = Value::Float(dv);
    }
    toks_.push_back(std::move(t));
    return Status::Ok();
  }

  std::string_view src_;
  size_t pos_ = 0;
  int line_ = 1;
  bool trim_right_ = false;
  std::vector<Token> toks_;
  size_t tok_pos_ = 0;
};

}  // namespace

Result<Template> Template::Parse(std::string_view text) {
  auto ast = std::make_shared<TemplateAst>();
  ast->source = std::string(text);
  Parser p(ast->source);
  SKALD_RETURN_IF_ERROR(p.ParseAll(&ast->root));
  Template t;
  t.ast_ = std::move(ast);
  return t;
}

bool Template::IsLiteral() const {
  for (const Node& n : ast_->root)
    if (n.kind != Node::Kind::kText) return false;
  return true;
}

const std::string& Template::source() const { return ast_->source; }

}  // namespace skald::gotemplate
