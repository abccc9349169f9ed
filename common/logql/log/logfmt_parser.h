// `| logfmt [--strict] [--keep-empty] [a="b", c]`: Loki's logfmt tokenisation; lenient by default
// (bad tokens are skipped), --strict stops at the first error with __error__=LogfmtParserErr;
// --keep-empty keeps `k` and `k=` as empty labels; named labels always exist (empty when absent).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/logql/log/stage.h"

namespace skald::logql::log {

struct LogfmtConfig {
  bool strict = false;
  bool keep_empty = false;
  // label ← logfmt key; empty means every key becomes a (sanitised) label.
  std::vector<std::pair<std::string, std::string>> exprs;
};

// One key/value of a logfmt line. `value` is the raw token (quotes included when quoted).
struct LogfmtPair {
  std::string_view key;
  std::string_view value;
  bool quoted = false;
  bool has_equals = false;
};

// Scans the next pair from line[*pos]; false at the end. On a syntax error sets *err (Go-like
// "logfmt syntax error at pos N : unexpected '='") and advances past the bad token.
bool NextLogfmtPair(std::string_view line, size_t* pos, LogfmtPair* out, std::string* err);

// Unquotes a quoted logfmt value ("..." included) as Loki's decoder does: JSON escapes plus \',
// invalid UTF-8 becomes U+FFFD; false on any other escape ("invalid quoted value").
bool LogfmtUnquote(std::string_view quoted, std::string* out);

class LogfmtParser final : public Stage {
 public:
  explicit LogfmtParser(LogfmtConfig cfg) : cfg_(std::move(cfg)) {}
  bool Process(LineState& s) const override;

 private:
  void SetAll(std::string_view key, std::string_view value, LabelsBuilder& lbs) const;
  void SetNamed(std::string_view key, std::string_view value, LabelsBuilder& lbs) const;

  LogfmtConfig cfg_;
};

}  // namespace skald::logql::log
