// time.Time.Format: renders an instant in a location with a Go layout.
#include <cstdio>
#include <string>

#include "common/gotime/gotime.h"
#include "common/gotime/layout.h"

namespace skald::gotime {
namespace {

using internal::Chunk;
using internal::Std;

constexpr std::string_view kMonths[] = {"January", "February", "March", "April", "May", "June", "July",
                                        "August", "September", "October", "November", "December"};
constexpr std::string_view kDays[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                      "Saturday"};

void Num(std::string& out, int64_t v, int width, char pad = '0') {
  std::string s = std::to_string(v < 0 ? -v : v);
  if (v < 0) out += '-';
  for (int i = static_cast<int>(s.size()); i < width; ++i) out += pad;
  out += s;
}

struct Civil {
  int64_t year;
  int month, day, yday, wday, hour, min, sec;
  int64_t nsec;
  int offset;
  std::string abbr;
};

// Seconds are clamped to ±2^62 (about ±1.46e11 years) so the zone offset and the day arithmetic
// cannot overflow; Go wraps there instead, printing a meaningless date either way.
constexpr int64_t kMaxSecs = int64_t{1} << 62;

Civil ToCivil(int64_t secs, int64_t nsec, const LocationPtr& loc) {
  secs = secs > kMaxSecs ? kMaxSecs : secs < -kMaxSecs ? -kMaxSecs : secs;
  Civil c{};
  c.nsec = nsec;
  ZoneInfo z = loc ? loc->Lookup(secs) : ZoneInfo{0, "UTC"};
  c.offset = z.offset;
  c.abbr = z.abbr;
  int64_t local = secs + z.offset;
  int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
  int64_t rem = local - days * 86400;
  CivilFromDays(days, &c.year, &c.month, &c.day);
  c.yday = static_cast<int>(days - DaysFromCivil(c.year, 1, 1)) + 1;
  c.wday = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  c.hour = static_cast<int>(rem / 3600);
  c.min = static_cast<int>(rem % 3600 / 60);
  c.sec = static_cast<int>(rem % 60);
  return c;
}

void Zone(std::string& out, Std std, int offset) {
  bool iso = std >= Std::kISO8601TZ && std <= Std::kISO8601ColonSecondsTZ;
  if (iso && offset == 0) {
    out += 'Z';
    return;
  }
  int z = offset / 60, abs_off = offset < 0 ? -offset : offset;
  out += z < 0 ? '-' : '+';
  if (z < 0) z = -z;
  Num(out, z / 60, 2);
  bool colon = std == Std::kISO8601ColonTZ || std == Std::kNumColonTZ ||
               std == Std::kISO8601ColonSecondsTZ || std == Std::kNumColonSecondsTZ;
  bool secs = std == Std::kISO8601SecondsTZ || std == Std::kNumSecondsTz ||
              std == Std::kISO8601ColonSecondsTZ || std == Std::kNumColonSecondsTZ;
  if (std == Std::kISO8601ShortTZ || std == Std::kNumShortTZ) return;
  if (colon) out += ':';
  Num(out, z % 60, 2);
  if (secs) {
    if (colon) out += ':';
    Num(out, abs_off % 60, 2);
  }
}

void Frac(std::string& out, const Chunk& c, int64_t nsec) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%09lld", static_cast<long long>(nsec));
  std::string digits(buf, 9);
  if (c.std == Std::kFracSecond0) {
    out += c.frac_sep;
    out += digits.substr(0, c.frac_digits > 9 ? 9 : c.frac_digits);
    return;
  }
  std::string d = digits.substr(0, c.frac_digits > 9 ? 9 : c.frac_digits);
  while (!d.empty() && d.back() == '0') d.pop_back();
  if (!d.empty()) out += c.frac_sep + d;
}

void FormatStd(std::string& out, const Chunk& c, const Civil& t) {
  int h12 = t.hour % 12 == 0 ? 12 : t.hour % 12;
  switch (c.std) {
    case Std::kYear: Num(out, t.year % 100, 2); break;
    case Std::kLongYear: Num(out, t.year, 4); break;
    case Std::kMonth: out += kMonths[t.month - 1].substr(0, 3); break;
    case Std::kLongMonth: out += kMonths[t.month - 1]; break;
    case Std::kNumMonth: Num(out, t.month, 0); break;
    case Std::kZeroMonth: Num(out, t.month, 2); break;
    case Std::kWeekDay: out += kDays[t.wday].substr(0, 3); break;
    case Std::kLongWeekDay: out += kDays[t.wday]; break;
    case Std::kDay: Num(out, t.day, 0); break;
    case Std::kUnderDay: Num(out, t.day, 2, ' '); break;
    case Std::kZeroDay: Num(out, t.day, 2); break;
    case Std::kUnderYearDay: Num(out, t.yday, 3, ' '); break;
    case Std::kZeroYearDay: Num(out, t.yday, 3); break;
    case Std::kHour: Num(out, t.hour, 2); break;
    case Std::kHour12: Num(out, h12, 0); break;
    case Std::kZeroHour12: Num(out, h12, 2); break;
    case Std::kMinute: Num(out, t.min, 0); break;
    case Std::kZeroMinute: Num(out, t.min, 2); break;
    case Std::kSecond: Num(out, t.sec, 0); break;
    case Std::kZeroSecond: Num(out, t.sec, 2); break;
    case Std::kPM: out += t.hour >= 12 ? "PM" : "AM"; break;
    case Std::kpm: out += t.hour >= 12 ? "pm" : "am"; break;
    case Std::kTZ:
      if (!t.abbr.empty()) {
        out += t.abbr;
      } else {
        Zone(out, Std::kNumTZ, t.offset);
      }
      break;
    case Std::kFracSecond0:
    case Std::kFracSecond9: Frac(out, c, t.nsec); break;
    default: Zone(out, c.std, t.offset); break;
  }
}

}  // namespace

std::string Format(std::string_view layout, int64_t unix_ns, const LocationPtr& loc) {
  // Floor division: -1 ns is 1969-12-31T23:59:59.999999999 (no negation, so INT64_MIN is fine).
  int64_t secs = unix_ns / 1000000000, nsec = unix_ns % 1000000000;
  if (nsec < 0) {
    secs -= 1;
    nsec += 1000000000;
  }
  return FormatUnix(layout, secs, nsec, loc);
}

std::string FormatUnix(std::string_view layout, int64_t unix_sec, int64_t nsec, const LocationPtr& loc) {
  Civil t = ToCivil(unix_sec, nsec, loc);
  std::string out;
  for (;;) {
    Chunk c = internal::NextChunk(layout);
    out += c.prefix;
    if (c.std == Std::kNone) break;
    FormatStd(out, c, t);
    layout = c.suffix;
  }
  return out;
}

}  // namespace skald::gotime
