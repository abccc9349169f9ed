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
