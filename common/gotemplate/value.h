// Value: the dynamically typed result of a Go template expression (string, int, float, bool, time,
// nil), with Go's truthiness and %v printing rules; shared by the executor and the function table.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace skald::gotemplate {

struct Value {
  enum class Kind { kNil, kString, kInt, kFloat, kBool, kTime };
  Kind kind = Kind::kNil;
  std::string s;   // kString
  int64_t i = 0;   // kInt; kTime: unix seconds
  int32_t nsec = 0;  // kTime: nanoseconds within the second
  double f = 0;    // kFloat
  bool b = false;  // kBool

  static Value Str(std::string v) { Value x; x.kind = Kind::kString; x.s = std::move(v); return x; }
  static Value Int(int64_t v) { Value x; x.kind = Kind::kInt; x.i = v; return x; }
  static Value Float(double v) { Value x; x.kind = Kind::kFloat; x.f = v; return x; }
  static Value Bool(bool v) { Value x; x.kind = Kind::kBool; x.b = v; return x; }
  static Value Time(int64_t sec, int32_t nsec) {
    Value x; x.kind = Kind::kTime; x.i = sec; x.nsec = nsec; return x;
  }
  static Value TimeNs(int64_t ns) {
    int64_t sec = ns / 1000000000LL, rem = ns % 1000000000LL;
    if (rem < 0) { rem += 1000000000LL; --sec; }
    return Time(sec, static_cast<int32_t>(rem));
  }

  bool IsNumber() const { return kind == Kind::kInt || kind == Kind::kFloat; }
  // Go's template truth: non-empty string, non-zero number, true bool, non-nil.
  bool Truthy() const;
  // fmt's %v: ints in decimal, floats as %g-shortest, time as "2006-01-02 15:04:05 +0000 UTC".
  void AppendTo(std::string* out) const;
  std::string ToString() const { std::string o; AppendTo(&o); return o; }
  // Go's type name for error messages: "string", "int", "float64", "bool", "time.Time", "nil".
  std::string_view TypeName() const;
};

}  // namespace skald::gotemplate
