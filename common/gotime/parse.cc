// time.Parse / time.ParseInLocation with Go's rules, over the shared layout tokenizer.
#include <string>

#include "common/gotime/gotime.h"
#include "common/gotime/layout.h"

namespace skald::gotime {
namespace {

using internal::Chunk;
using internal::Std;

constexpr std::string_view kLongMonths[] = {"January", "February", "March", "April", "May", "June", "July",
                                            "August", "September", "October", "November", "December"};
constexpr std::string_view kLongDays[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                          "Saturday"};

bool IsDigit(std::string_view s, size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; }

char Lower(char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

// Prefix match of one of `names` (or their 3-letter forms when `short_form`), case-insensitively.
int Lookup(const std::string_view* names, int n, bool short_form, std::string_view* v) {
  for (int i = 0; i < n; ++i) {
    std::string_view name = short_form ? names[i].substr(0, 3) : names[i];
    if (v->size() < name.size()) continue;
    bool eq = true;
    for (size_t k = 0; k < name.size() && eq; ++k) eq = Lower((*v)[k]) == Lower(name[k]);
    if (eq) {
      v->remove_prefix(name.size());
      return i;
    }
  }
  return -1;
}

// Go's getnum: one or two digits (exactly two when fixed).
bool GetNum(std::string_view* v, bool fixed, int* out) {
  if (!IsDigit(*v, 0)) return false;
  if (!IsDigit(*v, 1)) {
    if (fixed) return false;
    *out = (*v)[0] - '0';
    v->remove_prefix(1);
    return true;
  }
  *out = ((*v)[0] - '0') * 10 + ((*v)[1] - '0');
  v->remove_prefix(2);
  return true;
}

bool GetNum3(std::string_view* v, bool fixed, int* out) {
  int n = 0, i = 0;
  for (; i < 3 && IsDigit(*v, i); ++i) n = n * 10 + ((*v)[i] - '0');
  if (i == 0 || (fixed && i != 3)) return false;
  *out = n;
  v->remove_prefix(i);
  return true;
}

std::string_view CutSpace(std::string_view s) {
  while (!s.empty() && s[0] == ' ') s.remove_prefix(1);
  return s;
}

bool Skip(std::string_view* v, std::string_view prefix) {
  while (!prefix.empty()) {
    if (prefix[0] == ' ') {
      if (!v->empty() && (*v)[0] != ' ') return false;
      prefix = CutSpace(prefix);
      *v = CutSpace(*v);
      continue;
    }
    if (v->empty() || (*v)[0] != prefix[0]) return false;
    prefix.remove_prefix(1);
    v->remove_prefix(1);
  }
  return true;
}

// Digits of a fraction after the separator at value[0]; up to 9 are significant.
int64_t Nanos(std::string_view digits) {
  int64_t ns = 0;
  int n = 0;
  for (char c : digits) {
    if (n == 9) break;
    ns = ns * 10 + (c - '0');
    ++n;
  }
  for (; n < 9; ++n) ns *= 10;
  return ns;
}

// Zone abbreviation length per Go's parseTimeZone (0 = not a zone).
size_t ZoneLen(std::string_view v) {
  if (v.size() < 3) return 0;
  if (v.size() >= 4 && (v.substr(0, 4) == "ChST" || v.substr(0, 4) == "MeST")) return 4;
  if (v.substr(0, 3) == "GMT") {
    size_t n = 3;
    if (n < v.size() && (v[n] == '+' || v[n] == '-')) {
      size_t k = n + 1;
      while (k < v.size() && IsDigit(v, k)) ++k;
      if (k > n + 1) return k;
    }
    return 3;
  }
  size_t n = 0;
  while (n < v.size() && v[n] >= 'A' && v[n] <= 'Z') ++n;
  if (n == 3 || n == 4 || n == 5) return n;  // upper-case abbreviation, as Go accepts (loosely)
  return 0;
}

struct Fields {
  int year = 0, month = -1, day = -1, yday = -1, hour = 0, min = 0, sec = 0;
  int64_t nsec = 0;
  bool pm = false, am = false, have_offset = false, utc = false;
  int offset = 0;
  std::string zone;
};

std::string ParseError(std::string_view layout, std::string_view value, std::string_view v,
                       std::string_view elem, std::string_view msg = {}) {
  std::string s = "parsing time \"" + std::string(value) + "\"";
  if (!msg.empty()) return s + std::string(msg);
  return s + " as \"" + std::string(layout) + "\": cannot parse \"" + std::string(v) + "\" as \"" +
         std::string(elem) + "\"";
}

bool ParseZoneOffset(Std std, std::string_view* v, Fields* f) {
  bool iso = std >= Std::kISO8601TZ && std <= Std::kISO8601ColonSecondsTZ;
  if (iso && !v->empty() && (*v)[0] == 'Z') {
    v->remove_prefix(1);
    f->utc = true;
    return true;
  }
  bool colon = std == Std::kISO8601ColonTZ || std == Std::kNumColonTZ ||
               std == Std::kISO8601ColonSecondsTZ || std == Std::kNumColonSecondsTZ;
  bool secs = std == Std::kISO8601SecondsTZ || std == Std::kNumSecondsTz ||
              std == Std::kISO8601ColonSecondsTZ || std == Std::kNumColonSecondsTZ;
  bool shortz = std == Std::kISO8601ShortTZ || std == Std::kNumShortTZ;
  if (v->empty() || ((*v)[0] != '+' && (*v)[0] != '-')) return false;
  int sign = (*v)[0] == '-' ? -1 : 1;
  v->remove_prefix(1);
  int hh = 0, mm = 0, ss = 0;
  if (!GetNum(v, true, &hh)) return false;
  if (!shortz) {
    if (colon && !Skip(v, ":")) return false;
    if (!GetNum(v, true, &mm)) return false;
    if (secs) {
      if (colon && !Skip(v, ":")) return false;
      if (!GetNum(v, true, &ss)) return false;
    }
  }
  if (hh > 24 || mm > 60 || ss > 60) return false;
  f->have_offset = true;
  f->offset = sign * (hh * 3600 + mm * 60 + ss);
  return true;
}

// Parses one std element; returns false (value unchanged semantics irrelevant) on mismatch.
bool ParseStd(const Chunk& c, std::string_view* v, Fields* f, std::string* range_err) {
  int n = 0;
  switch (c.std) {
    case Std::kYear:
      if (!IsDigit(*v, 0) || !IsDigit(*v, 1)) return false;
      n = ((*v)[0] - '0') * 10 + ((*v)[1] - '0');
      v->remove_prefix(2);
      f->year = n >= 69 ? 1900 + n : 2000 + n;
      return true;
    case Std::kLongYear:
      if (v->size() < 4 || !IsDigit(*v, 0) || !IsDigit(*v, 1) || !IsDigit(*v, 2) || !IsDigit(*v, 3)) return false;
      f->year = std::stoi(std::string(v->substr(0, 4)));
      v->remove_prefix(4);
      return true;
    case Std::kMonth:
    case Std::kLongMonth:
      f->month = Lookup(kLongMonths, 12, c.std == Std::kMonth, v) + 1;
      return f->month > 0;
    case Std::kNumMonth:
    case Std::kZeroMonth:
      if (!GetNum(v, c.std == Std::kZeroMonth, &f->month)) return false;
      if (f->month <= 0 || f->month > 12) *range_err = "month";
      return true;
    case Std::kWeekDay:
    case Std::kLongWeekDay:
      return Lookup(kLongDays, 7, c.std == Std::kWeekDay, v) >= 0;
    case Std::kDay:
    case Std::kUnderDay:
    case Std::kZeroDay:
      if (c.std == Std::kUnderDay && !v->empty() && (*v)[0] == ' ') v->remove_prefix(1);
      if (!GetNum(v, c.std == Std::kZeroDay, &f->day)) return false;
      return true;
    case Std::kUnderYearDay:
    case Std::kZeroYearDay:
      for (int i = 0; i < 2 && c.std == Std::kUnderYearDay && !v->empty() && (*v)[0] == ' '; ++i) v->remove_prefix(1);
      if (!GetNum3(v, c.std == Std::kZeroYearDay, &f->yday)) return false;
      if (f->yday <= 0 || f->yday > 366) *range_err = "day-of-year";
      return true;
    case Std::kHour:
      if (!GetNum(v, false, &f->hour)) return false;
      if (f->hour < 0 || f->hour >= 24) *range_err = "hour";
      return true;
    case Std::kHour12:
    case Std::kZeroHour12:
      if (!GetNum(v, c.std == Std::kZeroHour12, &f->hour)) return false;
      if (f->hour < 0 || f->hour > 12) *range_err = "hour";
      return true;
    case Std::kMinute:
    case Std::kZeroMinute:
      if (!GetNum(v, c.std == Std::kZeroMinute, &f->min)) return false;
      if (f->min < 0 || f->min >= 60) *range_err = "minute";
      return true;
    case Std::kSecond:
    case Std::kZeroSecond: {
      if (!GetNum(v, c.std == Std::kZeroSecond, &f->sec)) return false;
      if (f->sec < 0 || f->sec >= 60) {
        *range_err = "second";
        return true;
      }
      // A fraction may follow even when the layout has none (unless the layout's next chunk is one).
      if (v->size() >= 2 && ((*v)[0] == '.' || (*v)[0] == ',') && IsDigit(*v, 1)) {
        Chunk next = internal::NextChunk(c.suffix);
        if (next.prefix.empty() && (next.std == Std::kFracSecond0 || next.std == Std::kFracSecond9)) return true;
        size_t k = 2;
        while (IsDigit(*v, k)) ++k;
        f->nsec = Nanos(v->substr(1, k - 1));
        v->remove_prefix(k);
      }
      return true;
    }
    case Std::kPM:
    case Std::kpm: {
      if (v->size() < 2) return false;
      std::string_view p = v->substr(0, 2);
      bool upper = c.std == Std::kPM;
      if (p == (upper ? "PM" : "pm")) f->pm = true;
      else if (p == (upper ? "AM" : "am")) f->am = true;
      else return false;
      v->remove_prefix(2);
      return true;
    }
    case Std::kTZ: {
      if (v->size() >= 3 && v->substr(0, 3) == "UTC") {
        v->remove_prefix(3);
        f->utc = true;
        return true;
      }
      size_t n = ZoneLen(*v);
      if (n == 0) return false;
      f->zone = std::string(v->substr(0, n));
      v->remove_prefix(n);
      return true;
    }
    case Std::kFracSecond0: {
      size_t nd = 1 + c.frac_digits;
      if (v->size() < nd || ((*v)[0] != '.' && (*v)[0] != ',')) return false;
      for (size_t k = 1; k < nd; ++k)
        if (!IsDigit(*v, k)) return false;
      f->nsec = Nanos(v->substr(1, nd - 1));
      v->remove_prefix(nd);
      return true;
    }
    case Std::kFracSecond9: {
      if (v->size() < 2 || ((*v)[0] != '.' && (*v)[0] != ',') || !IsDigit(*v, 1)) return true;
      size_t k = 1;
      while (k < 10 && IsDigit(*v, k)) ++k;
      f->nsec = Nanos(v->substr(1, k - 1));
      v->remove_prefix(k);
      return true;
    }
    default:
      return ParseZoneOffset(c.std, v, f);
  }
}

std::string_view StdText(std::string_view layout_at, std::string_view suffix) {
  return layout_at.substr(0, layout_at.size() - suffix.size());
}

int DaysIn(int m, int64_t y) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

Result<ParsedTime> Compose(Fields& f, std::string_view layout, std::string_view value, const LocationPtr& loc) {
  if (f.pm && f.hour < 12) f.hour += 12;
  else if (f.am && f.hour == 12) f.hour = 0;
  if (f.yday >= 0 && f.month < 0) {
    int m = 1, d = f.yday;
    while (m <= 12 && d > DaysIn(m, f.year)) d -= DaysIn(m++, f.year);
    if (m > 12) return Status::Invalid(ParseError(layout, value, "", "", ": day-of-year out of range"));
    f.month = m;
    f.day = d;
  }
  if (f.month < 0) f.month = 1;
  if (f.day < 0) f.day = 1;
  if (f.day < 1 || f.day > DaysIn(f.month, f.year))
    return Status::Invalid(ParseError(layout, value, "", "", ": day out of range"));
  int64_t secs = DaysFromCivil(f.year, f.month, f.day) * 86400 + f.hour * 3600 + f.min * 60 + f.sec;
  ParsedTime t{0, f.nsec, f.year, 0};
  if (f.utc) {
    t.offset = 0;
  } else if (f.have_offset) {
    t.offset = f.offset;
  } else if (!f.zone.empty()) {
    int off = 0;
    const LocationPtr& l = loc ? loc : Location::UTC();
    if (l->LookupName(f.zone, secs, &off)) t.offset = off;
    else if (f.zone.size() > 3 && f.zone.substr(0, 3) == "GMT") t.offset = std::stoi(f.zone.substr(3)) * 3600;
  } else if (loc) {  // wall time in loc (Go's Date with the two-step lookup)
    ZoneInfo z = loc->Lookup(secs);
    int off = z.offset;
    if (off != 0) {
      int64_t utc = secs - off;
      if (utc < z.start || utc >= z.end) off = loc->Lookup(utc).offset;
    }
    t.offset = off;
  }
  t.unix_sec = secs - t.offset;
  return t;
}

}  // namespace

Result<ParsedTime> Parse(std::string_view layout, std::string_view value, const LocationPtr& loc) {
  const std::string_view orig_layout = layout;
  std::string_view v = value;
  Fields f;
  std::string range_err;
  for (;;) {
    Chunk c = internal::NextChunk(layout);
    std::string_view before = v;
    if (!Skip(&v, c.prefix))
      return Status::Invalid(ParseError(orig_layout, value, before, c.prefix));
    if (c.std == Std::kNone) {
      if (!v.empty())
        return Status::Invalid(ParseError(orig_layout, value, "", "", ": extra text: \"" + std::string(v) + "\""));
      break;
    }
    std::string_view elem = StdText(layout.substr(c.prefix.size()), c.suffix);
    std::string_view at = v;
    if (!ParseStd(c, &v, &f, &range_err)) return Status::Invalid(ParseError(orig_layout, value, at, elem));
    if (!range_err.empty())
      return Status::Invalid(ParseError(orig_layout, value, "", "", ": " + range_err + " out of range"));
    layout = c.suffix;
  }
  return Compose(f, orig_layout, value, loc);
}

std::optional<std::string_view> NamedLayout(std::string_view name) {
  struct N {
    std::string_view name, layout;
  };
  static constexpr N kNames[] = {
      {"ANSIC", kANSIC}, {"UnixDate", kUnixDate}, {"RubyDate", kRubyDate}, {"RFC822", kRFC822},
      {"RFC822Z", kRFC822Z}, {"RFC850", kRFC850}, {"RFC1123", kRFC1123}, {"RFC1123Z", kRFC1123Z},
      {"RFC3339", kRFC3339}, {"RFC3339Nano", kRFC3339Nano}, {"Kitchen", kKitchen}, {"Stamp", kStamp},
      {"StampMilli", kStampMilli}, {"StampMicro", kStampMicro}, {"StampNano", kStampNano},
      {"DateTime", kDateTime}, {"DateOnly", kDateOnly}, {"TimeOnly", kTimeOnly}};
  for (const N& n : kNames)
    if (n.name == name) return n.layout;
  return std::nullopt;
}

}  // namespace skald::gotime
