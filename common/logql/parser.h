// LogQL parsing entry points: queries, stream selectors and pipelines into the ast.h tree.
// Hand-written recursive descent; errors are Status::Invalid with Loki's wording.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "common/logql/ast.h"
#include "common/matcher.h"
#include "common/status.h"

namespace skald::logql {

// Parses a whole query (log or metric). Errors read like Loki's:
//   `parse error at line 1, col 5: syntax error: unexpected ...`
//   `parse error : queries require at least one regexp or equality matcher ...`
// A bare log query parses fine (kind kLogSelector); callers decide whether it is allowed.
Result<std::unique_ptr<Expr>> ParseExpr(std::string_view query);

// Parses just `{a="b", c=~"d"}` (e.g. the `match[]` of /series, the collector's `match` stage
// selector). Same validation as in a query: at least one non-empty-matching matcher.
Result<Matchers> ParseStreamSelector(std::string_view selector);

// Parses a log query and returns it, or an error if the query is a metric query.
Result<std::unique_ptr<LogSelectorExpr>> ParseLogSelector(std::string_view query);

// Parses a metric query: error `parse error : ...` like Loki if it is a log query.
Result<std::unique_ptr<Expr>> ParseSampleExpr(std::string_view query);

}  // namespace skald::logql
