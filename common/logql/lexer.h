// LogQL tokenizer: turns query text into tokens with 1-based line/column, skipping `#` comments.
// Keywords stay identifiers (the parser checks their text), so `by` or `duration` remain label names.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace skald::logql {

enum class Tok {
  kEOF,
  kIdent,     // [a-zA-Z_][a-zA-Z0-9_]*
  kString,    // "..." or `...`; text is the unquoted value
  kNumber,    // 1, 1.5, 1e3, 0x1f; `number` holds the value
  kDuration,  // 5m, 1.5s, 1h30m, 2d; `number` holds nanoseconds
  kBytes,     // 20MB, 1KiB; `number` holds bytes
  kRange,     // [5m]: text is the inside, `number` nanoseconds
  kLBrace, kRBrace, kLParen, kRParen, kComma,
  kEq,        // =
  kEqEq,      // ==
  kNeq,       // !=
  kRe,        // =~
  kNre,       // !~
  kPipeEq,    // |=
  kPipeRe,    // |~
  kPipeGt,    // |>
  kNotGt,     // !>
  kPipe,      // |
  kGt, kGte, kLt, kLte,
  kAdd, kSub, kMul, kDiv, kMod, kPow,
  kDashDash,  // --strict / --keep-empty flag: text holds the flag name without dashes
};

struct Token {
  Tok type = Tok::kEOF;
  std::string text;   // identifier / unquoted string / literal as written
  double number = 0;  // see Tok
  int line = 1, col = 1;
};

// Tokenizes the whole query. Errors are Loki-formatted parse errors.
Result<std::vector<Token>> Lex(std::string_view query);

// Words Loki's lexer turns into keyword tokens (named by their text in error messages).
bool IsKeyword(std::string_view word);

// Loki-style token description used in "unexpected X" messages: `IDENTIFIER`, `STRING`,
// `NUMBER`, `DURATION`, `RANGE`, `$end`, a keyword (`by`, `unwrap`) or the operator text.
std::string TokenDescription(const Token& t);

// `parse error at line L, col C: msg`, or `parse error : msg` when line == 0.
std::string ParseErrorMessage(int line, int col, std::string_view msg);

}  // namespace skald::logql
