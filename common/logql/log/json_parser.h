// `| json` (flatten nested objects with '_', skip arrays), `| json a="b.c", d="e[0]"` (extract
// paths; absent ones give ""), `| unpack` (Promtail pack output only: `_entry` becomes the line).
// Invalid JSON sets __error__=JSONParserErr and Loki's __error_details__ instead of dropping the line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/logql/log/stage.h"
#include "common/status.h"

namespace skald::logql::log {

class JsonParser final : public Stage {
 public:
  // `scan_only` skips the simdjson fast path (tests and fuzzers compare the two paths).
  explicit JsonParser(bool scan_only = false) : scan_only_(scan_only) {}
  bool Process(LineState& s) const override;

 private:
  bool scan_only_;
};

struct JsonExpression {
  std::string label;
  std::string pointer;  // JSON pointer built from the LogQL path ("/b/c", "/e/0")
};

class JsonExpressionParser final : public Stage {
 public:
  // `exprs` pairs: label name → LogQL json path (`b.c`, `e[0]`, `["x y"]`, `a["b"][1]`).
  static Result<JsonExpressionParser> Make(
      const std::vector<std::pair<std::string, std::string>>& exprs);
  bool Process(LineState& s) const override;

 private:
  void FillMissing(LabelsBuilder& lbs) const;
  void ProcessKeys(LineState& s) const;

  std::vector<JsonExpression> exprs_;
  // Each path's keys when no path has an array index (then jsonparser's EachKey scan is used).
  std::vector<std::vector<std::string>> key_paths_;
};

// Converts a LogQL json path to a JSON pointer; error on bad syntax.
Result<std::string> JsonPathToPointer(std::string_view path);

// Loki's `| unpack` error for a line whose first byte is not '{' (jsoniter's ObjectValue is 6).
inline constexpr std::string_view kUnpackNotAnObject = "expecting json object(6), but it is not";

class UnpackParser final : public Stage {
 public:
  bool Process(LineState& s) const override;
};

}  // namespace skald::logql::log
