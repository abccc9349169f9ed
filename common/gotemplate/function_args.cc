// Argument conversions for template functions (Go-typed and sprig-cast flavours).
#include "common/gotemplate/function_args.h"

#include <cerrno>
#include <cstdint>
#include <cstdlib>

namespace skald::gotemplate::internal {

Status WantString(const Value& v, std::string_view* out) {
  if (v.kind != Value::Kind::kString) {
    return Status::Invalid("wrong type for value; expected string; got " + std::string(v.TypeName()));
  }
  *out = v.s;
  return Status::Ok();
}

// Go's int(f) on amd64: truncation, and INT64_MIN for NaN and values outside int64 (a C++ cast
// would be undefined there).
static int64_t GoFloatToInt(double f) {
  if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0)) return INT64_MIN;
  return static_cast<int64_t>(f);
}

Status WantInt(const Value& v, int64_t* out) {
  if (v.kind == Value::Kind::kInt) { *out = v.i; return Status::Ok(); }
  if (v.kind == Value::Kind::kFloat && v.f >= -9223372036854775808.0 && v.f < 9223372036854775808.0 &&
      v.f == static_cast<double>(static_cast<int64_t>(v.f))) {
    *out = static_cast<int64_t>(v.f);
    return Status::Ok();
  }
  return Status::Invalid("wrong type for value; expected int; got " + std::string(v.TypeName()));
}

int64_t CastInt(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kInt: return v.i;
    case Value::Kind::kFloat: return GoFloatToInt(v.f);
    case Value::Kind::kBool: return v.b ? 1 : 0;
    case Value::Kind::kString: {
      errno = 0;
      char* end = nullptr;
      long long r = std::strtoll(v.s.c_str(), &end, 0);
      if (v.s.empty() || errno != 0 || *end != '\0') return 0;
      return r;
    }
    default: return 0;
  }
}

double CastFloat(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kInt: return static_cast<double>(v.i);
    case Value::Kind::kFloat: return v.f;
    case Value::Kind::kBool: return v.b ? 1 : 0;
    case Value::Kind::kString: {
      char* end = nullptr;
      double r = std::strtod(v.s.c_str(), &end);
      if (v.s.empty() || *end != '\0') return 0;
      return r;
    }
    default: return 0;
  }
}

std::string StrVal(const Value& v) {
  if (v.kind == Value::Kind::kString) return v.s;
  return v.ToString();
}

}  // namespace skald::gotemplate::internal
