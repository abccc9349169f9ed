// Math (sprig add/sub/mul/div/mod and float variants, Loki's bytes/duration) and time functions
// (toDate, toDateInZone, date, now, unixEpoch*, unixToTime).
#include <charconv>
#include <chrono>
#include <cmath>

#include "common/gotemplate/function_args.h"
#include "common/gotime/gotime.h"
#include "common/time_util.h"

namespace skald::gotemplate::internal {
namespace {

#define STR(i, var) std::string_view var; SKALD_RETURN_IF_ERROR(WantString(a[i], &var))

// Go's int arithmetic wraps on overflow; C++'s signed overflow is undefined, so it is done unsigned.
int64_t WrapInt(uint64_t v) { return static_cast<int64_t>(v); }

Status Add(const Args& a, const TemplateData&, Value* o) {
  int64_t s = 0;
  for (const Value& v : a) s = WrapInt(uint64_t(s) + uint64_t(CastInt(v)));
  *o = Value::Int(s);
  return Status::Ok();
}
Status Mul(const Args& a, const TemplateData&, Value* o) {
  int64_t s = 1;
  for (const Value& v : a) s = WrapInt(uint64_t(s) * uint64_t(CastInt(v)));
  *o = Value::Int(s);
  return Status::Ok();
}
Status Sub(const Args& a, const TemplateData&, Value* o) {
  *o = Value::Int(WrapInt(uint64_t(CastInt(a[0])) - uint64_t(CastInt(a[1]))));
  return Status::Ok();
}
template <bool kMod>
Status Div(const Args& a, const TemplateData&, Value* o) {
  int64_t d = CastInt(a[1]);
  if (d == 0) return Status::Invalid("runtime error: integer divide by zero");
  const int64_t n = CastInt(a[0]);
  if (d == -1) {  // Go: MinInt64 / -1 wraps to MinInt64, % -1 is 0 (C++: undefined)
    *o = Value::Int(kMod ? 0 : WrapInt(0 - uint64_t(n)));
    return Status::Ok();
  }
  *o = Value::Int(kMod ? n % d : n / d);
  return Status::Ok();
}
template <int kOp>  // 0 add, 1 sub, 2 mul, 3 div
Status FloatOp(const Args& a, const TemplateData&, Value* o) {
  double r = CastFloat(a[0]);
  for (size_t i = 1; i < a.size(); ++i) {
    double v = CastFloat(a[i]);
    if (kOp == 3 && v == 0) return Status::Invalid("decimal division by 0");
    r = kOp == 0 ? r + v : kOp == 1 ? r - v : kOp == 2 ? r * v : r / v;
  }
  *o = Value::Float(r);
  return Status::Ok();
}
template <bool kMax>
Status MinMax(const Args& a, const TemplateData&, Value* o) {
  int64_t r = CastInt(a[0]);
  for (const Value& v : a) r = kMax ? std::max(r, CastInt(v)) : std::min(r, CastInt(v));
  *o = Value::Int(r);
  return Status::Ok();
}
template <bool kMax>
Status MinMaxF(const Args& a, const TemplateData&, Value* o) {  // sprig's maxf/minf
  double r = CastFloat(a[0]);
  for (const Value& v : a) r = kMax ? std::max(r, CastFloat(v)) : std::min(r, CastFloat(v));
  *o = Value::Float(r);
  return Status::Ok();
}
Status Ceil(const Args& a, const TemplateData&, Value* o) { *o = Value::Float(std::ceil(CastFloat(a[0]))); return Status::Ok(); }
Status Floor(const Args& a, const TemplateData&, Value* o) { *o = Value::Float(std::floor(CastFloat(a[0]))); return Status::Ok(); }
Status Round(const Args& a, const TemplateData&, Value* o) {
  double p = std::pow(10.0, static_cast<double>(CastInt(a[1])));
  *o = Value::Float(std::round(CastFloat(a[0]) * p) / p);
  return Status::Ok();
}
Status IntF(const Args& a, const TemplateData&, Value* o) { *o = Value::Int(CastInt(a[0])); return Status::Ok(); }
Status FloatF(const Args& a, const TemplateData&, Value* o) { *o = Value::Float(CastFloat(a[0])); return Status::Ok(); }

// Loki: humanized bytes → number (0 when unparsable); Go duration → seconds (0 when unparsable).
Status BytesF(const Args& a, const TemplateData&, Value* o) {
  STR(0, s);
  auto v = ParseByteSize(s);
  *o = Value::Int(v.ok() ? *v : 0);
  return Status::Ok();
}
Status DurationF(const Args& a, const TemplateData&, Value* o) {
  STR(0, s);
  auto v = ParseGoDuration(s);
  *o = Value::Float(v.ok() ? static_cast<double>(*v) / 1e9 : 0);
  return Status::Ok();
}

// sprig's toDate ignores parse errors and yields Go's zero time.
Value ParsedOrZero(const Result<gotime::ParsedTime>& t) {
  if (!t.ok()) return Value::Time(-62135596800LL, 0);
  return Value::Time(t->unix_sec, static_cast<int32_t>(t->nsec));
}
Status ToDate(const Args& a, const TemplateData&, Value* o) {
  STR(0, layout); STR(1, s);
  *o = ParsedOrZero(gotime::Parse(layout, s));
  return Status::Ok();
}
Status ToDateInZone(const Args& a, const TemplateData&, Value* o) {
  STR(0, layout); STR(1, zone); STR(2, s);
  auto loc = gotime::Location::Load(std::string(zone));
  *o = ParsedOrZero(gotime::Parse(layout, s, loc.ok() ? *loc : nullptr));
  return Status::Ok();
}

// sprig's date takes a time.Time or an int of Unix seconds (time.Unix(n, 0)), any size.
Status Date(const Args& a, const TemplateData&, Value* o) {
  STR(0, layout);
  const Value& v = a[1];
  if (v.kind != Value::Kind::kTime && v.kind != Value::Kind::kInt)
    return Status::Invalid("wrong type for value; expected time.Time; got " + std::string(v.TypeName()));
  *o = Value::Str(gotime::FormatUnix(layout, v.i, v.kind == Value::Kind::kTime ? v.nsec : 0));
  return Status::Ok();
}
Status Now(const Args&, const TemplateData&, Value* o) {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  *o = Value::TimeNs(std::chrono::duration_cast<std::chrono::nanoseconds>(now).count());
  return Status::Ok();
}
template <int kUnit>  // 0 s, 1 ms, 2 ns
Status UnixEpoch(const Args& a, const TemplateData&, Value* o) {
  if (a[0].kind != Value::Kind::kTime)
    return Status::Invalid("wrong type for value; expected time.Time; got " + std::string(a[0].TypeName()));
  // Go's UnixMilli/UnixNano wrap outside int64's range; so does this (unsigned arithmetic).
  const uint64_t sec = static_cast<uint64_t>(a[0].i), nsec = static_cast<uint64_t>(a[0].nsec);
  int64_t v = kUnit == 0 ? a[0].i : kUnit == 1 ? WrapInt(sec * 1000 + nsec / 1000000)
                                                : WrapInt(sec * 1000000000ULL + nsec);
  *o = Value::Str(std::to_string(v));
  return Status::Ok();
}
// Loki's unixToTime: the unit comes from the digit count (5 days, 10 s, 13 ms, 16 µs, 19 ns);
// any other length, or text that is not an integer, is an error.
Status UnixToTime(const Args& a, const TemplateData&, Value* o) {
  STR(0, s);
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty())
    return Status::Invalid("unable to parse time '" + std::string(s) + "'");
  auto split = [](int64_t n, int64_t per_sec) {  // floor division, so no product can overflow
    int64_t sec = n / per_sec, rem = n % per_sec;
    if (rem < 0) { rem += per_sec; --sec; }
    return Value::Time(sec, static_cast<int32_t>(rem * (1000000000LL / per_sec)));
  };
  switch (s.size()) {
    case 5: *o = Value::Time(v * 86400, 0); break;
    case 10: *o = Value::Time(v, 0); break;
    case 13: *o = split(v, 1000); break;
    case 16: *o = split(v, 1000000); break;
    case 19: *o = split(v, 1000000000); break;
    default: return Status::Invalid("unable to parse time '" + std::string(s) + "'");
  }
  return Status::Ok();
}

}  // namespace

const std::vector<Function>& MathTimeFunctions() {
  static const std::vector<Function> k = {
      {"add", 0, -1, Add}, {"sub", 2, 2, Sub}, {"mul", 1, -1, Mul}, {"div", 2, 2, Div<false>},
      {"mod", 2, 2, Div<true>}, {"addf", 1, -1, FloatOp<0>}, {"subf", 1, -1, FloatOp<1>},
      {"mulf", 1, -1, FloatOp<2>}, {"divf", 1, -1, FloatOp<3>}, {"max", 1, -1, MinMax<true>},
      {"min", 1, -1, MinMax<false>}, {"maxf", 1, -1, MinMaxF<true>},
      {"minf", 1, -1, MinMaxF<false>}, {"ceil", 1, 1, Ceil}, {"floor", 1, 1, Floor},
      {"round", 2, 2, Round}, {"int", 1, 1, IntF}, {"int64", 1, 1, IntF}, {"float64", 1, 1, FloatF},
      {"bytes", 1, 1, BytesF}, {"duration", 1, 1, DurationF}, {"duration_seconds", 1, 1, DurationF},
      {"toDate", 2, 2, ToDate}, {"toDateInZone", 3, 3, ToDateInZone}, {"date", 2, 2, Date},
      {"now", 0, 0, Now}, {"unixEpoch", 1, 1, UnixEpoch<0>}, {"unixEpochMillis", 1, 1, UnixEpoch<1>},
      {"unixEpochNanos", 1, 1, UnixEpoch<2>}, {"unixToTime", 1, 1, UnixToTime},
  };
  return k;
}

}  // namespace skald::gotemplate::internal
