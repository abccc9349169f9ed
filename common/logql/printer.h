// LogQL printer: Loki's canonical String() form (printer.cc) and the multi-line Prettify form
// used by /loki/api/v1/format_query (prettify.cc). Print output always re-parses to the same tree.
#pragma once

#include <string>

#include "common/logql/ast.h"

namespace skald::logql {

// Canonical one-line form, e.g. `{job="docker"} |= "x" | json | status>=500`,
// `sum by (container)(count_over_time({job="docker"}[1h]))`, `(rate({a="b"}[5m]) > 10)`.
std::string Print(const Expr& e);
std::string PrintStage(const Stage& s);                // `| json`, `|= "a" or "b"`, ...
std::string PrintLabelFilter(const LabelFilter& f);    // `( a="b" , c>1 )`
std::string PrintLogRange(const LogRange& r);          // `{a="b"} | unwrap x[5m] offset 1h0m0s`
std::string PrintGrouping(const Grouping& g);          // ` by (a,b)`, ` without (c)`

// Multi-line indented form like Loki's syntax.Prettify (approximation: same line-breaking rules
// for aggregations, binary operations and pipelines; an expression that fits in 100 columns
// stays on one line).
std::string Prettify(const Expr& e);

}  // namespace skald::logql
