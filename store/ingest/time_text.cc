// Go-compatible time text for push validation messages; civil dates come from common/time_util.
#include "store/ingest/time_text.h"

#include <cstdio>

#include "common/time_util.h"

namespace skald::ingest {
namespace {

constexpr int64_t kNsPerSec = 1000000000LL;

struct Civil {
  int64_t year;
  int month, day, hour, minute, second;
  int64_t nanos;
};

Civil ToCivil(int64_t unix_ns) {
  int64_t secs = unix_ns / kNsPerSec, nanos = unix_ns % kNsPerSec;
  if (nanos < 0) { nanos += kNsPerSec; --secs; }
  int64_t days = secs / 86400, rem = secs % 86400;
  if (rem < 0) { rem += 86400; --days; }
  Civil c;
  CivilDateFromDays(days, &c.year, &c.month, &c.day);
  c.hour = static_cast<int>(rem / 3600);
  c.minute = static_cast<int>(rem / 60 % 60);
  c.second = static_cast<int>(rem % 60);
  c.nanos = nanos;
  return c;
}

std::string DateTime(const Civil& c, char sep) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02d%c%02d:%02d:%02d", static_cast<long long>(c.year),
                c.month, c.day, sep, c.hour, c.minute, c.second);
  return buf;
}

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

std::string FormatRFC3339(int64_t unix_ns) { return DateTime(ToCivil(unix_ns), 'T') + "Z"; }

std::string FormatGoTime(int64_t unix_ns) {
  Civil c = ToCivil(unix_ns);
  std::string out = DateTime(c, ' ');
  if (c.nanos != 0) {
    char frac[16];
    std::snprintf(frac, sizeof(frac), ".%09lld", static_cast<long long>(c.nanos));
    std::string f(frac);
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  return out + " +0000 UTC";
}

Result<int64_t> ParseRFC3339Nano(std::string_view s) {
  auto bad = [&] {
    return Status::Invalid("parsing time \"" + std::string(s) +
                           "\" as \"2006-01-02T15:04:05Z07:00\": cannot parse");
  };
  int y, mo, d, h, mi, se;
  if (!Digits(s, 0, 4, &y) || s.size() < 20 || s[4] != '-' || !Digits(s, 5, 2, &mo) || s[7] != '-' ||
      !Digits(s, 8, 2, &d) || (s[10] != 'T' && s[10] != 't') || !Digits(s, 11, 2, &h) ||
      s[13] != ':' || !Digits(s, 14, 2, &mi) || s[16] != ':' || !Digits(s, 17, 2, &se))
    return bad();
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59) return bad();
  size_t i = 19;
  int64_t nanos = 0;
  if (i < s.size() && s[i] == '.') {
    size_t start = ++i;
    int64_t scale = 100000000;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      nanos += (s[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
    if (i == start || i - start > 9) return bad();
  }
  int64_t offset = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int oh, om;
    if (!Digits(s, i + 1, 2, &oh) || i + 3 >= s.size() || s[i + 3] != ':' || !Digits(s, i + 4, 2, &om))
      return bad();
    offset = (oh * 3600 + om * 60) * (s[i] == '-' ? -1 : 1);
    i += 6;
  } else {
    return bad();
  }
  if (i != s.size()) return bad();
  int64_t secs = DaysFromCivilDate(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - offset;
  return secs * kNsPerSec + nanos;
}

}  // namespace skald::ingest
