// Go's time layouts ("2006-01-02T15:04:05Z07:00") for parsing and formatting, with Go's rules
// (optional fractional seconds after seconds, space runs, zone abbreviations), plus Go's named layouts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/gotime/location.h"
#include "common/status.h"
#include "common/time_util.h"

namespace skald::gotime {

inline constexpr std::string_view kANSIC = "Mon Jan _2 15:04:05 2006";
inline constexpr std::string_view kUnixDate = "Mon Jan _2 15:04:05 MST 2006";
inline constexpr std::string_view kRubyDate = "Mon Jan 02 15:04:05 -0700 2006";
inline constexpr std::string_view kRFC822 = "02 Jan 06 15:04 MST";
inline constexpr std::string_view kRFC822Z = "02 Jan 06 15:04 -0700";
inline constexpr std::string_view kRFC850 = "Monday, 02-Jan-06 15:04:05 MST";
inline constexpr std::string_view kRFC1123 = "Mon, 02 Jan 2006 15:04:05 MST";
inline constexpr std::string_view kRFC1123Z = "Mon, 02 Jan 2006 15:04:05 -0700";
inline constexpr std::string_view kRFC3339 = "2006-01-02T15:04:05Z07:00";
inline constexpr std::string_view kRFC3339Nano = "2006-01-02T15:04:05.999999999Z07:00";
inline constexpr std::string_view kKitchen = "3:04PM";
inline constexpr std::string_view kStamp = "Jan _2 15:04:05";
inline constexpr std::string_view kStampMilli = "Jan _2 15:04:05.000";
inline constexpr std::string_view kStampMicro = "Jan _2 15:04:05.000000";
inline constexpr std::string_view kStampNano = "Jan _2 15:04:05.000000000";
inline constexpr std::string_view kDateTime = "2006-01-02 15:04:05";
inline constexpr std::string_view kDateOnly = "2006-01-02";
inline constexpr std::string_view kTimeOnly = "15:04:05";

// Go's constant name ("RFC3339", "ANSIC", "Kitchen", ...) → layout; nullopt if not a Go name.
std::optional<std::string_view> NamedLayout(std::string_view name);

struct ParsedTime {
  int64_t unix_sec = 0;  // seconds (year 0 does not fit in int64 nanoseconds)
  int64_t nsec = 0;
  int year = 0;          // the calendar year parsed (0 when the layout has no year)
  int offset = 0;        // seconds east of UTC of the parsed/assumed zone
  // Saturates to INT64_MIN / INT64_MAX outside 1677-09-21..2262-04-11 (Go's UnixNano wraps there).
  int64_t unix_ns() const {
    const bool borrow = unix_sec < 0 && nsec > 0;  // so the last second before INT64_MIN fits
    int64_t ns = 0;
    if (__builtin_mul_overflow(unix_sec + borrow, 1000000000LL, &ns) ||
        __builtin_add_overflow(ns, nsec - (borrow ? 1000000000LL : 0), &ns))
      return unix_sec < 0 ? INT64_MIN : INT64_MAX;
    return ns;
  }
};

// time.ParseInLocation(layout, value, loc); loc == nullptr means UTC (time.Parse). Errors read like
// Go's: `parsing time "x" as "layout": cannot parse "x" as "2006"`.
Result<ParsedTime> Parse(std::string_view layout, std::string_view value,
                         const LocationPtr& loc = nullptr);

// time.Time.Format for the instant `unix_ns` seen in `loc` (nullptr = UTC).
std::string Format(std::string_view layout, int64_t unix_ns, const LocationPtr& loc = nullptr);
// The same for an instant given as seconds + nanoseconds (0..999999999), which covers the dates
// beyond 1678..2262 that Go's time.Unix(sec, nsec) can hold (sprig's `date` on a large int).
std::string FormatUnix(std::string_view layout, int64_t unix_sec, int64_t nsec,
                       const LocationPtr& loc = nullptr);

// Civil-date helpers (proleptic Gregorian, UTC): common/time_util's, under gotime's names.
inline int64_t DaysFromCivil(int64_t y, int m, int d) { return DaysFromCivilDate(y, m, d); }
inline void CivilFromDays(int64_t z, int64_t* y, int* m, int* d) { CivilDateFromDays(z, y, m, d); }

}  // namespace skald::gotime
