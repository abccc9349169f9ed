// Durations, timestamps, byte sizes and float printing with Prometheus/Go/Loki rules.
// Each parser mirrors its Go counterpart's grammar and error wording closely enough for logs.
#include "common/time_util.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <utility>

namespace skald {
namespace {

constexpr int64_t kNsPerMin = 60 * kNsPerSec;
constexpr int64_t kNsPerHour = 60 * kNsPerMin;
constexpr int64_t kNsPerDay = 24 * kNsPerHour;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Go's strconv.ParseFloat for plain decimal input: whole string, no spaces.
bool ParseFloatStrict(std::string_view s, double* out) {
  if (s.empty() || s.front() == ' ' || s.front() == '\t') return false;
  std::string tmp(s);
  char* end = nullptr;
  *out = std::strtod(tmp.c_str(), &end);
  return end == tmp.c_str() + tmp.size();
}

int64_t GoUnit(std::string_view u) {
  if (u == "ns") return 1;
  if (u == "us" || u == "\xC2\xB5s" || u == "\xCE\xBCs") return 1000;
  if (u == "ms") return kNsPerMs;
  if (u == "s") return kNsPerSec;
  if (u == "m") return kNsPerMin;
  if (u == "h") return kNsPerHour;
  return 0;
}

Status GoDurationError(std::string_view s) {
  return Status::Invalid("time: invalid duration \"" + std::string(s) + "\"");
}

}  // namespace

Result<int64_t> ParseGoDuration(std::string_view orig) {
  std::string_view s = orig;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return int64_t{0};
  if (s.empty()) return GoDurationError(orig);
  uint64_t total = 0;
  while (!s.empty()) {
    uint64_t whole = 0;
    size_t i = 0;
    bool any = false;
    for (; i < s.size() && IsDigit(s[i]); ++i, any = true) {
      if (whole > (UINT64_MAX - 9) / 10) return GoDurationError(orig);
      whole = whole * 10 + uint64_t(s[i] - '0');
    }
    uint64_t frac = 0, scale = 1;
    if (i < s.size() && s[i] == '.') {
      for (++i; i < s.size() && IsDigit(s[i]); ++i, any = true) {
        if (scale < 1000000000000000000ULL) {
          frac = frac * 10 + uint64_t(s[i] - '0');
          scale *= 10;
        }
      }
    }
    if (!any) return GoDurationError(orig);
    size_t j = i;
    while (j < s.size() && s[j] != '.' && !IsDigit(s[j])) ++j;
    std::string_view unit = s.substr(i, j - i);
    if (unit.empty()) {
      return Status::Invalid("time: missing unit in duration \"" + std::string(orig) + "\"");
    }
    int64_t mult = GoUnit(unit);
    if (mult == 0) {
      return Status::Invalid("time: unknown unit \"" + std::string(unit) + "\" in duration \"" +
                             std::string(orig) + "\"");
    }
    if (whole > uint64_t(INT64_MAX) / uint64_t(mult)) return GoDurationError(orig);
    long double part = (long double)frac * (long double)mult / (long double)scale;
    total += whole * uint64_t(mult) + uint64_t(part);
    if (total > uint64_t(INT64_MAX)) return GoDurationError(orig);
    s.remove_prefix(j);
  }
  return neg ? -int64_t(total) : int64_t(total);
}

Result<int64_t> ParsePromDuration(std::string_view s) {
  if (s.empty()) return Status::Invalid("empty duration string");
  if (s == "0") return int64_t{0};
  static const std::pair<std::string_view, int64_t> kUnits[] = {
      {"y", 365 * kNsPerDay}, {"w", 7 * kNsPerDay}, {"d", kNsPerDay}, {"h", kNsPerHour},
      {"m", kNsPerMin},       {"s", kNsPerSec},     {"ms", kNsPerMs}};
  Status bad = Status::Invalid("not a valid duration string: \"" + std::string(s) + "\"");
  size_t next_unit = 0, i = 0;
  int64_t total = 0;
  while (i < s.size()) {
    int64_t v = 0;
    size_t start = i;
    for (; i < s.size() && IsDigit(s[i]); ++i) {
      if (v > (INT64_MAX - 9) / 10) return bad;
      v = v * 10 + (s[i] - '0');
    }
    size_t u = i;
    while (i < s.size() && !IsDigit(s[i])) ++i;
    std::string_view unit = s.substr(u, i - u);
    if (u == start || unit.empty()) return bad;
    size_t k = next_unit;
    while (k < std::size(kUnits) && kUnits[k].first != unit) ++k;
    if (k == std::size(kUnits)) return bad;
    if (v > (INT64_MAX - total) / kUnits[k].second) return bad;
    total += v * kUnits[k].second;
    next_unit = k + 1;
  }
  return total;
}

Result<int64_t> ParseConfigDuration(std::string_view s) {
  auto go = ParseGoDuration(s);
  if (go.ok()) return go;
  auto prom = ParsePromDuration(s);
  if (prom.ok()) return prom;
  return go.status();
}

Result<int64_t> ParseSecondsOrDuration(std::string_view s) {
  double d = 0;
  if (ParseFloatStrict(s, &d)) {
    double ns = d * double(kNsPerSec);
    if (!(ns < 9.2e18 && ns > -9.2e18)) {
      return Status::Invalid("cannot parse \"" + std::string(s) + "\" to a valid duration. It overflows int64");
    }
    return int64_t(ns);
  }
  auto prom = ParsePromDuration(s);
  if (prom.ok()) return prom;
  return Status::Invalid("cannot parse \"" + std::string(s) + "\" to a valid duration");
}

Result<int64_t> ParseLokiTime(std::string_view s) {
  if (s.find('.') != std::string_view::npos) {
    double f = 0;
    if (ParseFloatStrict(s, &f) && std::isfinite(f)) {
      if (std::fabs(f) >= 9.2e9) return f < 0 ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
      double whole = 0;
      double frac = std::modf(f, &whole);
      frac = std::round(frac * 1000) / 1000;
      return int64_t(whole) * kNsPerSec + int64_t(frac * double(kNsPerSec));  // Go truncates
    }
  }
  bool digits = !s.empty();
  size_t start = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  if (start == s.size()) digits = false;
  for (size_t i = start; i < s.size() && digits; ++i) digits = IsDigit(s[i]);
  if (digits) {
    int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data() + (s[0] == '+' ? 1 : 0), s.data() + s.size(), v);
    if (ec == std::errc() && p == s.data() + s.size()) {
      int64_t ns = 0;   // seconds past 2262 saturate rather than overflow
      if (s.size() <= 10 && __builtin_mul_overflow(v, kNsPerSec, &ns)) return std::numeric_limits<int64_t>::max();
      if (s.size() <= 10) return ns;
      return v;
    }
  }
  return ParseRFC3339(s);
}

// --- calendar and RFC3339 ----------------------------------------------------------------------

int64_t DaysFromCivilDate(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilDateFromDays(int64_t z, int64_t* y, int* m, int* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = int(doy - (153 * mp + 2) / 5 + 1);
  *m = int(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

namespace {

bool ReadFixed(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!IsDigit(s[i])) return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

Result<int64_t> ParseRFC3339(std::string_view s) {
  Status bad = Status::Invalid("parsing time \"" + std::string(s) +
                               "\" as \"2006-01-02T15:04:05.999999999Z07:00\": invalid RFC3339 time");
  int Y, M, D, h, mi, sec;
  if (!ReadFixed(s, 0, 4, &Y) || s.size() < 20 || s[4] != '-' || !ReadFixed(s, 5, 2, &M) ||
      s[7] != '-' || !ReadFixed(s, 8, 2, &D) || (s[10] != 'T' && s[10] != 't') ||
      !ReadFixed(s, 11, 2, &h) || s[13] != ':' || !ReadFixed(s, 14, 2, &mi) || s[16] != ':' ||
      !ReadFixed(s, 17, 2, &sec)) {
    return bad;
  }
  static const int kMonthDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (Y % 4 == 0 && Y % 100 != 0) || Y % 400 == 0;
  if (M < 1 || M > 12 || D < 1 || D > kMonthDays[M - 1] || (M == 2 && D == 29 && !leap) ||
      h > 23 || mi > 59 || sec > 59) {
    return bad;
  }
  size_t i = 19;
  int64_t nanos = 0;
  if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
    size_t start = ++i;
    int64_t scale = kNsPerSec;
    for (; i < s.size() && IsDigit(s[i]); ++i) {
      if (scale > 1) {
        scale /= 10;
        nanos += (s[i] - '0') * scale;
      }
    }
    if (i == start) return bad;
  }
  int64_t offset = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z') && i + 1 == s.size()) {
    offset = 0;
  } else if (i + 6 == s.size() && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
    int oh, om;
    if (!ReadFixed(s, i + 1, 2, &oh) || !ReadFixed(s, i + 4, 2, &om) || oh > 23 || om > 59) return bad;
    offset = (oh * 3600 + om * 60) * (s[i] == '-' ? -1 : 1);
  } else {
    return bad;
  }
  int64_t secs = DaysFromCivilDate(Y, M, D) * 86400 + h * 3600 + mi * 60 + sec - offset;
  // Years before 1678 or after 2262 do not fit in int64 nanoseconds: saturate instead of overflowing.
  int64_t ns = 0;
  if (__builtin_mul_overflow(secs, kNsPerSec, &ns) || __builtin_add_overflow(ns, nanos, &ns))
    return secs < 0 ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
  return ns;
}

std::string FormatRFC3339Nano(int64_t unix_ns) {
  int64_t secs = unix_ns / kNsPerSec, nanos = unix_ns % kNsPerSec;
  if (nanos < 0) {
    nanos += kNsPerSec;
    secs -= 1;
  }
  int64_t days = secs / 86400, rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  int64_t y;
  int m, d;
  CivilDateFromDays(days, &y, &m, &d);
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02d", (long long)y, m, d,
                        int(rem / 3600), int(rem / 60 % 60), int(rem % 60));
  std::string out(buf, size_t(n));
  if (nanos != 0) {
    char frac[16];
    std::snprintf(frac, sizeof frac, ".%09lld", (long long)nanos);
    std::string f(frac);
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  out += 'Z';
  return out;
}

// --- duration printing -----------------------------------------------------------------------

namespace {

// Go's fmtFrac: writes the fraction of v/10^prec (trailing zeros and a zero fraction omitted)
// right-to-left ending before buf[*w]; returns v/10^prec.
uint64_t FmtFrac(char* buf, int* w, uint64_t v, int prec) {
  bool print = false;
  for (int i = 0; i < prec; ++i) {
    int digit = int(v % 10);
    print = print || digit != 0;
    if (print) buf[--*w] = char('0' + digit);
    v /= 10;
  }
  if (print) buf[--*w] = '.';
  return v;
}

void FmtInt(char* buf, int* w, uint64_t v) {
  if (v == 0) {
    buf[--*w] = '0';
    return;
  }
  for (; v > 0; v /= 10) buf[--*w] = char('0' + v % 10);
}

}  // namespace

std::string FormatDuration(int64_t d) {
  char buf[40];
  int w = sizeof buf;
  bool neg = d < 0;
  uint64_t u = neg ? uint64_t(0) - uint64_t(d) : uint64_t(d);
  if (u < uint64_t(kNsPerSec)) {
    if (u == 0) return "0s";
    int prec;
    buf[--w] = 's';
    if (u < 1000) {
      prec = 0;
      buf[--w] = 'n';
    } else if (u < uint64_t(kNsPerMs)) {
      prec = 3;
      buf[--w] = '\xB5';
      buf[--w] = '\xC2';
    } else {
      prec = 6;
      buf[--w] = 'm';
    }
    u = FmtFrac(buf, &w, u, prec);
    FmtInt(buf, &w, u);
  } else {
    buf[--w] = 's';
    u = FmtFrac(buf, &w, u, 9);
    FmtInt(buf, &w, u % 60);
    u /= 60;
    if (u > 0) {
      buf[--w] = 'm';
      FmtInt(buf, &w, u % 60);
      u /= 60;
      if (u > 0) {
        buf[--w] = 'h';
        FmtInt(buf, &w, u);
      }
    }
  }
  if (neg) buf[--w] = '-';
  return std::string(buf + w, sizeof buf - size_t(w));
}

std::string FormatPromDuration(int64_t ns) {
  int64_t ms = ns / kNsPerMs;
  if (ms == 0) return "0s";
  std::string r;
  if (ms < 0) {
    r = "-";
    ms = -ms;
  }
  const struct { const char* unit; int64_t mult; bool exact; } kUnits[] = {
      {"y", 1000LL * 60 * 60 * 24 * 365, true}, {"w", 1000LL * 60 * 60 * 24 * 7, true},
      {"d", 1000LL * 60 * 60 * 24, false},      {"h", 1000LL * 60 * 60, false},
      {"m", 1000LL * 60, false},                {"s", 1000, false},
      {"ms", 1, false}};
  for (const auto& u : kUnits) {
    if (u.exact && ms % u.mult != 0) continue;
    int64_t v = ms / u.mult;
    if (v > 0) {
      r += std::to_string(v) + u.unit;
      ms -= v * u.mult;
    }
  }
  return r;
}

// --- sizes and floats ------------------------------------------------------------------------

Result<int64_t> ParseByteSize(std::string_view s) {
  size_t last = 0;
  bool comma = false;
  while (last < s.size() && (IsDigit(s[last]) || s[last] == '.' || s[last] == ',')) {
    comma = comma || s[last] == ',';
    ++last;
  }
  std::string num(s.substr(0, last));
  if (comma) std::erase(num, ',');
  double f = 0;
  if (!ParseFloatStrict(num, &f)) {
    return Status::Invalid("strconv.ParseFloat: parsing \"" + num + "\": invalid syntax");
  }
  std::string_view rest = s.substr(last);
  while (!rest.empty() && std::isspace((unsigned char)rest.front())) rest.remove_prefix(1);
  while (!rest.empty() && std::isspace((unsigned char)rest.back())) rest.remove_suffix(1);
  std::string unit;
  for (char c : rest) unit += char(std::tolower((unsigned char)c));
  static const std::pair<std::string_view, double> kTable[] = {
      {"", 1},          {"b", 1},          {"k", 1e3},        {"kb", 1e3},   {"ki", 1024.0},
      {"kib", 1024.0},  {"m", 1e6},        {"mb", 1e6},       {"mi", 1048576.0},
      {"mib", 1048576.0}, {"g", 1e9},      {"gb", 1e9},       {"gi", 1073741824.0},
      {"gib", 1073741824.0}, {"t", 1e12},  {"tb", 1e12},      {"ti", 1099511627776.0},
      {"tib", 1099511627776.0}, {"p", 1e15}, {"pb", 1e15},    {"pi", 1125899906842624.0},
      {"pib", 1125899906842624.0}, {"e", 1e18}, {"eb", 1e18}, {"ei", 1152921504606846976.0},
      {"eib", 1152921504606846976.0}};
  for (const auto& [name, mult] : kTable) {
    if (name != unit) continue;
    double v = f * mult;
    if (v >= 9.2e18) return Status::Invalid("too large: " + std::string(s));
    return int64_t(v);
  }
  return Status::Invalid("unhandled size name: " + unit);
}

std::string FormatGoFloat(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[400];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  if (ec != std::errc()) return "NaN";
  return std::string(buf, p);
}

}  // namespace skald
