// Value printing and truthiness with Go's rules (fmt %v, text/template's truth).
#include "common/gotemplate/value.h"

#include <cmath>
#include <cstdio>

#include "common/gotime/gotime.h"
#include "common/time_util.h"

namespace skald::gotemplate {

bool Value::Truthy() const {
  switch (kind) {
    case Kind::kNil: return false;
    case Kind::kString: return !s.empty();
    case Kind::kInt: return i != 0;
    case Kind::kFloat: return f != 0;
    case Kind::kBool: return b;
    case Kind::kTime: return true;
  }
  return false;
}

namespace {

// Go's %v for float64 (strconv 'g' with the shortest digits): exponent form when the decimal
// exponent is < -4 or >= 6 (shortest precision decides as precision 6), so 1e6 prints "1e+06".
void AppendGoFloat(double v, std::string* out) {
  double a = std::fabs(v);
  if (a == 0 || std::isnan(v) || std::isinf(v) || (a >= 1e-4 && a < 1e6)) {
    out->append(FormatGoFloat(v));
    return;
  }
  char buf[64];
  for (int prec = 1; prec <= 17; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*e", prec - 1, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  out->append(buf);
}

}  // namespace

void Value::AppendTo(std::string* out) const {
  switch (kind) {
    case Kind::kNil: out->append("<no value>"); return;
    case Kind::kString: out->append(s); return;
    case Kind::kInt: out->append(std::to_string(i)); return;
    case Kind::kFloat: AppendGoFloat(f, out); return;
    case Kind::kBool: out->append(b ? "true" : "false"); return;
    case Kind::kTime: {
      // time.Time.String(); instants outside int64 nanoseconds print at second precision.
      if (i > -9223372036LL && i < 9223372036LL) {
        out->append(gotime::Format("2006-01-02 15:04:05.999999999 -0700 MST",
                                   i * 1000000000LL + nsec));
      } else {
        out->append(i == -62135596800LL ? "0001-01-01 00:00:00 +0000 UTC" : std::to_string(i));
      }
      return;
    }
  }
}

std::string_view Value::TypeName() const {
  switch (kind) {
    case Kind::kNil: return "nil";
    case Kind::kString: return "string";
    case Kind::kInt: return "int";
    case Kind::kFloat: return "float64";
    case Kind::kBool: return "bool";
    case Kind::kTime: return "time.Time";
  }
  return "nil";
}

}  // namespace skald::gotemplate
