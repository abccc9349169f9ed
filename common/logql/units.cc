// Duration, byte-size and float text conversions with Go/Prometheus/go-humanize semantics.
// Written from the documented behaviour of those libraries (no code copied).
#include "common/logql/units.h"

// GCC 12 reports false -Wrestrict on `"literal" + std::string&&` (GCC bug 105329).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#include <charconv>
#include <cmath>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace skald::logql {
namespace {

constexpr int64_t kNs = 1, kUs = 1000, kMs = 1000000, kSec = 1000000000LL;
constexpr int64_t kMin = 60 * kSec, kHour = 60 * kMin, kDay = 24 * kHour;

std::optional<int64_t> GoUnit(std::string_view u) {
  if (u == "ns") return kNs;
  if (u == "us" || u == "\xC2\xB5s" || u == "\xCE\xBCs") return kUs;
  if (u == "ms") return kMs;
  if (u == "s") return kSec;
  if (u == "m") return kMin;
  if (u == "h") return kHour;
  return std::nullopt;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::optional<int64_t> ParseGoDuration(std::string_view s) {
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return 0;
  if (s.empty()) return std::nullopt;
  uint64_t total = 0;
  while (!s.empty()) {
    // Integer part and fraction part separately, as Go does, so `2.000000001s` is exact.
    uint64_t whole = 0, frac = 0;
    double scale = 1;
    size_t i = 0;
    for (; i < s.size() && IsDigit(s[i]); ++i) {
      if (whole > (1ULL << 62) / 10) return std::nullopt;
      whole = whole * 10 + static_cast<uint64_t>(s[i] - '0');
    }
    bool had_int = i > 0, had_frac = false;
    if (i < s.size() && s[i] == '.') {
      for (++i; i < s.size() && IsDigit(s[i]); ++i) {
        had_frac = true;
        if (scale < 1e18) {
          frac = frac * 10 + static_cast<uint64_t>(s[i] - '0');
          scale *= 10;
        }
      }
    }
    if (!had_int && !had_frac) return std::nullopt;
    size_t j = i;
    while (j < s.size() && !IsDigit(s[j]) && s[j] != '.') ++j;
    auto unit = GoUnit(s.substr(i, j - i));
    if (!unit) return std::nullopt;
    uint64_t u = static_cast<uint64_t>(*unit);
    if (whole > (1ULL << 63) / u) return std::nullopt;
    total += whole * u + static_cast<uint64_t>(static_cast<double>(frac) * (static_cast<double>(u) / scale));
    if (total > (1ULL << 63) - 1) return std::nullopt;
    s.remove_prefix(j);
  }
  int64_t v = static_cast<int64_t>(total);
  return neg ? -v : v;
}

std::optional<int64_t> ParsePromDuration(std::string_view s) {
  if (s == "0") return 0;
  if (s.empty()) return std::nullopt;
  static const std::pair<const char*, int64_t> kUnits[] = {
      {"y", 365 * kDay}, {"w", 7 * kDay}, {"d", kDay}, {"h", kHour},
      {"m", kMin},       {"s", kSec},     {"ms", kMs}};
  size_t next_unit = 0;  // units must appear in this order, each at most once
  long double total = 0;
  while (!s.empty()) {
    size_t i = 0;
    while (i < s.size() && IsDigit(s[i])) ++i;
    if (i == 0) return std::nullopt;
    size_t j = i;
    while (j < s.size() && !IsDigit(s[j])) ++j;
    std::string_view u = s.substr(i, j - i);
    size_t k = next_unit;
    while (k < std::size(kUnits) && u != kUnits[k].first) ++k;
    if (k == std::size(kUnits)) return std::nullopt;
    total += std::strtold(std::string(s.substr(0, i)).c_str(), nullptr) * kUnits[k].second;
    if (total > 9.2e18L) return std::nullopt;
    next_unit = k + 1;
    s.remove_prefix(j);
  }
  return static_cast<int64_t>(total);
}

std::optional<int64_t> ParseLogqlDuration(std::string_view s) {
  if (auto d = ParseGoDuration(s)) return d;
  return ParsePromDuration(s);
}

namespace {

// `v / unit` with up to `prec` fraction digits, trailing zeros removed.
std::string Fraction(uint64_t v, uint64_t unit, int prec) {
  std::string out = std::to_string(v / unit);
  uint64_t frac = v % unit;
  if (frac == 0) return out;
  std::string f = std::to_string(frac);
  f.insert(0, static_cast<size_t>(prec) - f.size(), '0');
  while (!f.empty() && f.back() == '0') f.pop_back();
  return out + "." + f;
}

}  // namespace

std::string FormatGoDuration(int64_t ns) {
  if (ns == 0) return "0s";
  std::string sign = ns < 0 ? "-" : "";
  uint64_t u = ns < 0 ? static_cast<uint64_t>(-(ns + 1)) + 1 : static_cast<uint64_t>(ns);
  if (u < static_cast<uint64_t>(kSec)) {
    if (u < static_cast<uint64_t>(kUs)) return sign + std::to_string(u) + "ns";
    if (u < static_cast<uint64_t>(kMs)) return sign + Fraction(u, kUs, 3) + "\xC2\xB5s";
    return sign + Fraction(u, kMs, 6) + "ms";
  }
  std::string out = Fraction(u % kMin, kSec, 9) + "s";
  uint64_t mins = u / kMin;
  if (mins > 0) {
    out = std::to_string(mins % 60) + "m" + out;
    if (mins / 60 > 0) out = std::to_string(mins / 60) + "h" + out;
  }
  return sign + out;
}

std::string FormatPromDuration(int64_t ns) {
  int64_t ms = ns / kMs;
  if (ms <= 0) return "0s";
  std::string out;
  auto unit = [&](const char* name, int64_t mult, bool exact) {
    if (exact && ms % mult != 0) return;
    if (int64_t v = ms / mult; v > 0) {
      out += std::to_string(v) + name;
      ms -= v * mult;
    }
  };
  const int64_t day_ms = kDay / kMs;
  unit("y", 365 * day_ms, true);
  unit("w", 7 * day_ms, true);
  unit("d", day_ms, false);
  unit("h", kHour / kMs, false);
  unit("m", kMin / kMs, false);
  unit("s", 1000, false);
  unit("ms", 1, false);
  return out;
}

std::optional<uint64_t> ParseBytes(std::string_view s) {
  std::string num, unit;
  size_t i = 0;
  while (i < s.size() && (IsDigit(s[i]) || s[i] == '.' || s[i] == ',')) {
    if (s[i] != ',') num.push_back(s[i]);
    ++i;
  }
  while (i < s.size() && s[i] == ' ') ++i;
  for (; i < s.size(); ++i) unit.push_back(static_cast<char>(std::tolower(s[i])));
  if (num.empty() || num == ".") return std::nullopt;
  static const char* kPrefixes = "kmgtpe";
  long double mult = 0;
  if (unit.empty() || unit == "b") {
    mult = 1;
  } else {
    const char* p = std::strchr(kPrefixes, unit[0]);
    if (p == nullptr || *p == '\0') return std::nullopt;
    int power = static_cast<int>(p - kPrefixes) + 1;
    std::string rest = unit.substr(1);
    if (rest == "" || rest == "b") {
      mult = std::pow(1000.0L, power);
    } else if (rest == "i" || rest == "ib") {
      mult = std::pow(1024.0L, power);
    } else {
      return std::nullopt;
    }
  }
  long double v = std::strtold(num.c_str(), nullptr) * mult;
  if (v >= 1.8e19L) return std::nullopt;
  return static_cast<uint64_t>(v);
}

namespace {

// Shortest round-trip digits of |v| and the decimal exponent: v = 0.d1d2d3... * 10^dp.
void ShortestDigits(double v, std::string* digits, int* dp) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), std::fabs(v), std::chars_format::scientific);
  std::string_view s(buf, static_cast<size_t>(r.ptr - buf));
  size_t e = s.find('e');
  digits->clear();
  for (char c : s.substr(0, e))
    if (c != '.') digits->push_back(c);
  while (digits->size() > 1 && digits->back() == '0') digits->pop_back();
  *dp = std::atoi(std::string(s.substr(e + 1)).c_str()) + 1;
}

std::string Special(double v) {
  if (std::isnan(v)) return "NaN";
  return v > 0 ? "+Inf" : "-Inf";
}

std::string FixedFromDigits(const std::string& d, int dp) {
  std::string out;
  if (dp <= 0) {
    out = "0." + std::string(static_cast<size_t>(-dp), '0') + d;
  } else if (static_cast<size_t>(dp) >= d.size()) {
    out = d + std::string(static_cast<size_t>(dp) - d.size(), '0');
  } else {
    out = d.substr(0, static_cast<size_t>(dp)) + "." + d.substr(static_cast<size_t>(dp));
  }
  return out;
}

}  // namespace

std::string FormatGoFloat(double v) {
  if (!std::isfinite(v)) return Special(v);
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  std::string d;
  int dp;
  ShortestDigits(v, &d, &dp);
  std::string sign = v < 0 ? "-" : "";
  int exp = dp - 1;
  if (exp < -4 || exp >= 6) {  // Go's %g with shortest precision switches at 1e6
    std::string out = sign + d.substr(0, 1);
    if (d.size() > 1) out += "." + d.substr(1);
    char eb[16];
    std::snprintf(eb, sizeof(eb), "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
    return out + eb;
  }
  return sign + FixedFromDigits(d, dp);
}

std::string FormatGoFloatF(double v) {
  if (!std::isfinite(v)) return Special(v);
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  std::string d;
  int dp;
  ShortestDigits(v, &d, &dp);
  return (v < 0 ? "-" : "") + FixedFromDigits(d, dp);
}

}  // namespace skald::logql
