// Internal: argument conversions for template functions, mirroring Go's typed parameters (string,
// int: a wrong kind is an error) and sprig's lenient casts (toInt64/toFloat64/strval).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/gotemplate/functions.h"
#include "common/gotemplate/value.h"

namespace skald::gotemplate::internal {

Status WantString(const Value& v, std::string_view* out);
Status WantInt(const Value& v, int64_t* out);
int64_t CastInt(const Value& v);
double CastFloat(const Value& v);
std::string StrVal(const Value& v);

using Args = std::vector<Value>;
using Fn = Status (*)(const Args&, const TemplateData&, Value*);

// Function tables of each family, concatenated by FindFunction.
const std::vector<Function>& StringFunctions();
const std::vector<Function>& MathTimeFunctions();
const std::vector<Function>& PrometheusFunctions();  // the ruler's annotation helpers

}  // namespace skald::gotemplate::internal
