// Calendar dates and RFC 3339 text: Go's time.Parse(time.RFC3339Nano) grammar and Go's UTC formats
// (RFC3339, RFC3339Nano, Time.String), shared by the store's query, delete and push paths.
#include <cstdio>
#include <limits>
#include <string>

#include "common/time_util.h"

namespace skald {

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

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

constexpr std::string_view kRFC3339NanoLayout = "2006-01-02T15:04:05.999999999Z07:00";

struct Rfc3339Parts {
  int64_t secs = 0;   // unix seconds (years 0..9999 always fit)
  int64_t nanos = 0;  // 0..999999999
};

Status CannotParse(std::string_view s, std::string_view rest, std::string_view elem) {
  return Status::Invalid("parsing time \"" + std::string(s) + "\" as \"" + std::string(kRFC3339NanoLayout) +
                         "\": cannot parse \"" + std::string(rest) + "\" as \"" + std::string(elem) + "\"");
}

Status OutOfRange(std::string_view s, std::string_view what) {
  return Status::Invalid("parsing time \"" + std::string(s) + "\": " + std::string(what) + " out of range");
}

// Exactly `width` digits, or (width 0, Go's getnum) one or two.
bool TakeNumber(std::string_view* v, size_t width, int* out) {
  size_t n = 0;
  while (n < v->size() && n < (width == 0 ? 2 : width) && IsDigit((*v)[n])) ++n;
  if (n == 0 || (width != 0 && n != width)) return false;
  *out = 0;
  for (size_t i = 0; i < n; ++i) *out = *out * 10 + ((*v)[i] - '0');
  v->remove_prefix(n);
  return true;
}

// Go's fraction: '.' or ',' then any number of digits; those past the ninth are dropped.
int64_t TakeFraction(std::string_view* v) {
  if (v->size() < 2 || ((*v)[0] != '.' && (*v)[0] != ',') || !IsDigit((*v)[1])) return 0;
  int64_t nanos = 0, scale = kNsPerSec;
  size_t k = 1;
  for (; k < v->size() && IsDigit((*v)[k]); ++k) {
    if (scale > 1) nanos += ((*v)[k] - '0') * (scale /= 10);
  }
  v->remove_prefix(k);
  return nanos;
}

// "Z" or ±hh:mm → seconds east of UTC; Go allows up to 24 hours and 60 minutes.
Result<int64_t> TakeZone(std::string_view s, std::string_view* v) {
  if (!v->empty() && (*v)[0] == 'Z') {
    v->remove_prefix(1);
    return int64_t{0};
  }
  std::string_view z = *v;
  int oh = 0, om = 0;
  if (z.size() < 6 || (z[0] != '+' && z[0] != '-') || z[3] != ':') return CannotParse(s, *v, "Z07:00");
  z.remove_prefix(1);
  bool ok = TakeNumber(&z, 2, &oh);
  z.remove_prefix(ok ? 1 : 0);
  if (!ok || !TakeNumber(&z, 2, &om)) return CannotParse(s, *v, "Z07:00");
  if (oh > 24 || om > 60) return OutOfRange(s, oh > 24 ? "time zone offset hour" : "time zone offset minute");
  int64_t off = (oh * 3600 + om * 60) * ((*v)[0] == '-' ? -1 : 1);
  *v = z;
  return off;
}

// time.Parse(time.RFC3339Nano, s): the union of Go's RFC 3339 fast path and its layout parser.
Result<Rfc3339Parts> ParseRFC3339Parts(std::string_view s) {
  static constexpr struct { char sep; size_t width; const char* elem; } kFields[] = {
      {0, 4, "2006"}, {'-', 2, "01"}, {'-', 2, "02"}, {'T', 0, "15"}, {':', 2, "04"}, {':', 2, "05"}};
  int f[6];
  std::string_view v = s;
  for (size_t i = 0; i < 6; ++i) {
    if (kFields[i].sep != 0 && (v.empty() || v[0] != kFields[i].sep))
      return CannotParse(s, v, std::string(1, kFields[i].sep));
    if (kFields[i].sep != 0) v.remove_prefix(1);
    if (!TakeNumber(&v, kFields[i].width, &f[i])) return CannotParse(s, v, kFields[i].elem);
  }
  const int Y = f[0], M = f[1], D = f[2];
  if (M < 1 || M > 12) return OutOfRange(s, "month");
  if (f[3] > 23) return OutOfRange(s, "hour");
  if (f[4] > 59) return OutOfRange(s, "minute");
  if (f[5] > 59) return OutOfRange(s, "second");
  Rfc3339Parts p;
  p.nanos = TakeFraction(&v);
  auto offset = TakeZone(s, &v);
  if (!offset.ok()) return offset.status();
  if (!v.empty()) return Status::Invalid("parsing time \"" + std::string(s) + "\": extra text: \"" + std::string(v) + "\"");
  static const int kMonthDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (Y % 4 == 0 && Y % 100 != 0) || Y % 400 == 0;
  if (D < 1 || D > kMonthDays[M - 1] + (M == 2 && leap ? 1 : 0)) return OutOfRange(s, "day");
  p.secs = DaysFromCivilDate(Y, M, D) * 86400 + f[3] * 3600 + f[4] * 60 + f[5] - *offset;
  return p;
}

// False when the instant does not fit in int64 nanoseconds (before 1677-09-21, after 2262-04-11).
bool ToUnixNs(Rfc3339Parts p, int64_t* ns) {
  if (p.secs < 0 && p.nanos > 0) {   // so that INT64_MIN itself is reachable
    p.secs += 1;
    p.nanos -= kNsPerSec;
  }
  return !__builtin_mul_overflow(p.secs, kNsPerSec, ns) && !__builtin_add_overflow(*ns, p.nanos, ns);
}

struct UtcParts {
  int64_t year, nanos;
  int month, day, hour, minute, second;
};

UtcParts SplitUtc(int64_t unix_ns) {
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
  UtcParts p;
  CivilDateFromDays(days, &p.year, &p.month, &p.day);
  p.hour = int(rem / 3600);
  p.minute = int(rem / 60 % 60);
  p.second = int(rem % 60);
  p.nanos = nanos;
  return p;
}

// "2006-01-02T15:04:05" with `sep` between date and time.
std::string DateTimeText(const UtcParts& p, char sep) {
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d%c%02d:%02d:%02d", (long long)p.year, p.month, p.day, sep,
                        p.hour, p.minute, p.second);
  return std::string(buf, size_t(n));
}

// ".123" (trailing zeros trimmed), or "" for a whole second.
std::string FractionText(int64_t nanos) {
  if (nanos == 0) return "";
  char frac[16];
  std::snprintf(frac, sizeof frac, ".%09lld", (long long)nanos);
  std::string f(frac);
  while (f.back() == '0') f.pop_back();
  return f;
}

}  // namespace

Result<int64_t> ParseRFC3339(std::string_view s) {
  auto p = ParseRFC3339Parts(s);
  if (!p.ok()) return p.status();
  int64_t ns = 0;
  if (!ToUnixNs(*p, &ns)) return p->secs < 0 ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
  return ns;
}

Result<int64_t> ParseRFC3339InRange(std::string_view s) {
  auto p = ParseRFC3339Parts(s);
  if (!p.ok()) return p.status();
  int64_t ns = 0;
  if (!ToUnixNs(*p, &ns)) {
    return Status::Invalid("parsing time \"" + std::string(s) +
                           "\": out of range: timestamps must lie between 1677-09-21T00:12:43.145224192Z and "
                           "2262-04-11T23:47:16.854775807Z (int64 nanoseconds)");
  }
  return ns;
}

std::string FormatRFC3339Nano(int64_t unix_ns) {
  UtcParts p = SplitUtc(unix_ns);
  return DateTimeText(p, 'T') + FractionText(p.nanos) + "Z";
}

std::string FormatRFC3339(int64_t unix_ns) { return DateTimeText(SplitUtc(unix_ns), 'T') + "Z"; }

std::string FormatGoTime(int64_t unix_ns) {
  UtcParts p = SplitUtc(unix_ns);
  return DateTimeText(p, ' ') + FractionText(p.nanos) + " +0000 UTC";
}

}  // namespace skald
