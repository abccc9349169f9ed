// Durations, timestamps, byte sizes and float printing with the exact rules of Prometheus, Go and
// Loki, so configs and API parameters written for Loki/Promtail parse (and print) identically here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace skald {

inline constexpr int64_t kNsPerMs = 1000000LL;
inline constexpr int64_t kNsPerSec = 1000000000LL;

// Prometheus model.ParseDuration: "30d", "1h30m", "1w", "1y", "500ms", "0"; units y w d h m s ms
// in that order, each at most once, integers only. Returns nanoseconds.
Result<int64_t> ParsePromDuration(std::string_view s);

// Go time.ParseDuration: "1h30m", "1.5s", "300ms", "-1.5h", "2us", "2µs", "10ns", "0".
Result<int64_t> ParseGoDuration(std::string_view s);

// Config durations: Go syntax first, then Prometheus syntax (so both "1.5s" and "30d" work).
Result<int64_t> ParseConfigDuration(std::string_view s);

// Loki's step/interval parameter: float seconds ("15", "0.5") or a Prometheus duration ("1m").
Result<int64_t> ParseSecondsOrDuration(std::string_view s);

// Loki's query time parameter: float seconds when it contains '.', integer seconds when it has
// at most 10 digits, integer nanoseconds above that, else RFC3339Nano / RFC3339. Returns unix ns.
Result<int64_t> ParseLokiTime(std::string_view s);

// RFC3339 / RFC3339Nano ("2024-01-02T03:04:05.123Z", "...+02:00") → unix ns, accepting exactly
// what Go's time.Parse(time.RFC3339Nano, s) accepts: uppercase `T` and `Z` only, a one- or two-digit
// hour, a fraction after '.' or ',' of any length (digits past the ninth ignored), offsets ±hh:mm up
// to 24:60. Errors read like Go's. Instants beyond int64 nanoseconds (after 2262-04-11, before
// 1677-09-21) saturate to INT64_MAX / INT64_MIN: right for query bounds, wrong for stored data.
Result<int64_t> ParseRFC3339(std::string_view s);
// As ParseRFC3339, but an instant beyond int64 nanoseconds is an InvalidArgument error naming the
// range: for timestamps that are stored (push entries), where a clamped time would be a false one.
Result<int64_t> ParseRFC3339InRange(std::string_view s);

// Go's t.UTC().Format(time.RFC3339Nano): fraction trimmed of trailing zeros, "Z" suffix.
std::string FormatRFC3339Nano(int64_t unix_ns);
// Go's t.UTC().Format(time.RFC3339): `2006-01-02T15:04:05Z`, the fraction truncated (Loki's
// validation messages).
std::string FormatRFC3339(int64_t unix_ns);
// Go's t.UTC().String(): `2006-01-02 15:04:05.999999999 +0000 UTC`, fraction trimmed.
std::string FormatGoTime(int64_t unix_ns);

// Go's time.Duration.String(): "1h30m0s", "1.5s", "300ms", "2µs", "0s", "-1.5h0m0s" style.
std::string FormatDuration(int64_t ns);

// Prometheus model.Duration.String(): "30d", "1h30m", "0s" (largest units, no fractions).
std::string FormatPromDuration(int64_t ns);

// go-humanize ParseBytes, as used by Loki's flagext.ByteSize: "12MB" = 12e6, "1MiB" = 2^20,
// "256KB", "1.5 GB", "1024" (plain bytes), case-insensitive units.
Result<int64_t> ParseByteSize(std::string_view s);

// strconv.FormatFloat(v, 'f', -1, 64): shortest round-trip digits, no exponent; NaN, +Inf, -Inf.
std::string FormatGoFloat(double v);

// Days since 1970-01-01 → civil date and back (proleptic Gregorian).
int64_t DaysFromCivilDate(int64_t y, int m, int d);
void CivilDateFromDays(int64_t days, int64_t* y, int* m, int* d);

}  // namespace skald
