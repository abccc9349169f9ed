// The template function table: Go's builtins (printf, eq, and, ...), sprig's string/math/date
// helpers and Loki's additions (ToUpper, Replace, unixEpoch, __line__, __timestamp__, ...).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/gotemplate/value.h"
#include "common/status.h"

namespace skald::gotemplate {

class TemplateData;

struct Function {
  std::string_view name;
  int min_args = 0;
  int max_args = 0;  // -1: variadic
  // Computes *out from args. Returned Status message is the bare reason ("integer divide by zero").
  Status (*call)(const std::vector<Value>& args, const TemplateData& data, Value* out);
};

// nullptr when no function has that name.
const Function* FindFunction(std::string_view name);

// Go's fmt.Sprintf subset used by templates: %s %v %d %f %e %g %q %x %X %t %c %%, width,
// precision and the - 0 + space flags; bad verbs render as Go does ("%!d(string=x)").
std::string GoSprintf(std::string_view format, const std::vector<Value>& args, size_t first);

}  // namespace skald::gotemplate
