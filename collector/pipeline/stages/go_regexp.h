// Go regexp conveniences over RE2: compile with Go's syntax and error text, and Go's
// Regexp.Expand for `$1`, `${1}`, `$name`, `${name}` templates (relabel, replace stage).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>

#include "common/status.h"

namespace skald::pipeline {

using RegexPtr = std::shared_ptr<const re2::RE2>;

// Compiles `pattern` (Go/RE2 syntax). The error is RE2's message, e.g. `missing ): (`.
Result<RegexPtr> CompileRegexp(const std::string& pattern);

// Go's Regexp.Expand: appends `tmpl` to `out` with $-references replaced by `groups` (group i is
// groups[i]; an unmatched group has data() == nullptr). Unknown references expand to nothing;
// a malformed `$` is copied literally; `$$` is a `$`.
void GoExpand(const re2::RE2& re, std::string_view tmpl, const std::vector<re2::StringPiece>& groups,
              std::string* out);

}  // namespace skald::pipeline
