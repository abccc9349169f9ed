// Durations, timestamps, sizes and Go float printing against values Go/Prometheus/Loki produce.
#include <catch.hpp>

#include <cmath>
#include <limits>

#include "common/time_util.h"

using namespace skald;

namespace {
constexpr int64_t kS = kNsPerSec;
constexpr int64_t kH = 3600 * kS;
}  // namespace

TEST_CASE("ParsePromDuration: Prometheus model.ParseDuration grammar") {
  struct Case { const char* in; int64_t want; } cases[] = {
      {"0", 0},           {"30d", 30 * 24 * kH},       {"1w", 7 * 24 * kH},
      {"1y", 365 * 24 * kH}, {"1h30m", kH + 30 * 60 * kS}, {"1d12h", 36 * kH},
      {"500ms", 500 * kNsPerMs}, {"1m1s1ms", 61 * kS + kNsPerMs}, {"168h", 168 * kH}};
  for (const auto& c : cases) {
    INFO(c.in);
    auto r = ParsePromDuration(c.in);
    REQUIRE(r.ok());
    CHECK(*r == c.want);
  }
  for (const char* bad : {"", "1.5h", "1h1d", "1hh", "-1h", "h", "1x", "1h 30m", "30"}) {
    INFO(bad);
    CHECK_FALSE(ParsePromDuration(bad).ok());
  }
}

TEST_CASE("ParseGoDuration: time.ParseDuration grammar") {
  struct Case { const char* in; int64_t want; } cases[] = {
      {"0", 0},          {"1h30m", kH + 30 * 60 * kS}, {"1.5s", 1500 * kNsPerMs},
      {"300ms", 300 * kNsPerMs}, {"-1.5h", -(kH + 30 * 60 * kS)}, {"2us", 2000},
      {"2\xC2\xB5s", 2000}, {"10ns", 10}, {"+5m", 5 * 60 * kS}, {".5s", 500 * kNsPerMs},
      {"1h1h", 2 * kH}, {"2562047h", 2562047 * kH}};
  for (const auto& c : cases) {
    INFO(c.in);
    auto r = ParseGoDuration(c.in);
    REQUIRE(r.ok());
    CHECK(*r == c.want);
  }
  CHECK(ParseGoDuration("1").status().message() == "time: missing unit in duration \"1\"");
  CHECK(ParseGoDuration("1d").status().message() == "time: unknown unit \"d\" in duration \"1d\"");
  for (const char* bad : {"", "-", ".s", "1.h.", "9999999999999h", "3000000h"}) {
    INFO(bad);
    CHECK_FALSE(ParseGoDuration(bad).ok());
  }
}

TEST_CASE("ParseConfigDuration accepts both syntaxes") {
  CHECK(*ParseConfigDuration("30d") == 30 * 24 * kH);
  CHECK(*ParseConfigDuration("1.5s") == 1500 * kNsPerMs);
  CHECK(*ParseConfigDuration("2h") == 2 * kH);
  CHECK_FALSE(ParseConfigDuration("soon").ok());
}

TEST_CASE("FormatDuration matches Go's Duration.String") {
  struct Case { int64_t in; const char* want; } cases[] = {
      {0, "0s"},          {1, "1ns"},      {1100, "1.1\xC2\xB5s"},   {2200 * 1000, "2.2ms"},
      {1500 * kNsPerMs, "1.5s"}, {90 * 60 * kS, "1h30m0s"}, {-(90 * 60 * kS), "-1h30m0s"},
      {61 * kS, "1m1s"},  {720 * kH, "720h0m0s"}, {kS + 1, "1.000000001s"},
      {std::numeric_limits<int64_t>::min(), "-2562047h47m16.854775808s"}};
  for (const auto& c : cases) CHECK(FormatDuration(c.in) == c.want);
}

TEST_CASE("FormatPromDuration matches model.Duration.String") {
  CHECK(FormatPromDuration(0) == "0s");
  CHECK(FormatPromDuration(30 * 24 * kH) == "30d");
  CHECK(FormatPromDuration(90 * 24 * kH) == "90d");
  CHECK(FormatPromDuration(14 * 24 * kH) == "2w");
  CHECK(FormatPromDuration(365 * 24 * kH) == "1y");
  CHECK(FormatPromDuration(kH + 30 * 60 * kS) == "1h30m");
  CHECK(FormatPromDuration(1500 * kNsPerMs) == "1s500ms");
}

TEST_CASE("ParseLokiTime: Loki's start/end/time parameter rules") {
  struct Case { const char* in; int64_t want; } cases[] = {
      {"1700000000", 1700000000 * kS},
      {"1700000000000000000", 1700000000000000000},
      {"1700000000.5", 1700000000 * kS + 500 * kNsPerMs},
      {"1700000000.1234", 1700000000 * kS + 123 * kNsPerMs},  // rounded to ms as Loki does
      {"0", 0},
      {"2023-11-14T22:13:20Z", 1700000000 * kS},
      {"2023-11-14T22:13:20.123456789Z", 1700000000 * kS + 123456789},
      {"2023-11-15T00:13:20+02:00", 1700000000 * kS}};
  for (const auto& c : cases) {
    INFO(c.in);
    auto r = ParseLokiTime(c.in);
    REQUIRE(r.ok());
    CHECK(*r == c.want);
  }
  for (const char* bad : {"", "yesterday", "2023-13-01T00:00:00Z", "2023-02-29T00:00:00Z",
                          "2023-11-14 22:13:20Z", "2023-11-14T22:13:20"}) {
    INFO(bad);
    CHECK_FALSE(ParseLokiTime(bad).ok());
  }
}

// Regression (fuzz_api_delete_time): times past 2262 or before 1678 overflowed int64 nanoseconds
// (UBSan: signed integer overflow); they now saturate.
TEST_CASE("ParseRFC3339 and ParseLokiTime saturate times beyond int64 nanoseconds") {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max(), kMin = std::numeric_limits<int64_t>::min();
  struct Case { const char* in; int64_t want; } rfc[] = {
      {"2262-04-11T23:47:16.854775807Z", kMax}, {"2262-04-11T23:47:16.854775808Z", kMax},
      {"2262-04-11T23:47:16Z", 9223372036 * kS}, {"2270-01-01T00:00:00Z", kMax},
      {"9999-12-31T23:59:59.999999999-23:59", kMax}, {"1677-09-21T00:12:44Z", -9223372036 * kS},
      {"1600-01-01T00:00:00Z", kMin}, {"0000-01-01T00:00:00+23:59", kMin}};
  for (const auto& c : rfc) {
    INFO(c.in);
    auto r = ParseRFC3339(c.in);
    REQUIRE(r.ok());
    CHECK(*r == c.want);
  }
  Case loki[] = {{"9999999999", kMax}, {"9223372036", 9223372036 * kS}, {"-999999999", -999999999 * kS},
                 {"1000000000000000000000.5", kMax}, {"-99999999999.5", kMin}, {"9999999999.5", kMax}};
  for (const auto& c : loki) {
    INFO(c.in);
    auto r = ParseLokiTime(c.in);
    REQUIRE(r.ok());
    CHECK(*r == c.want);
  }
}

TEST_CASE("ParseSecondsOrDuration: step parameter") {
  CHECK(*ParseSecondsOrDuration("15") == 15 * kS);
  CHECK(*ParseSecondsOrDuration("0.5") == 500 * kNsPerMs);
  CHECK(*ParseSecondsOrDuration("1m") == 60 * kS);
  CHECK_FALSE(ParseSecondsOrDuration("1.5m").ok());
}

TEST_CASE("FormatRFC3339Nano trims trailing zeros like Go") {
  CHECK(FormatRFC3339Nano(0) == "1970-01-01T00:00:00Z");
  CHECK(FormatRFC3339Nano(1700000000 * kS) == "2023-11-14T22:13:20Z");
  CHECK(FormatRFC3339Nano(1700000000 * kS + 120000000) == "2023-11-14T22:13:20.12Z");
  CHECK(FormatRFC3339Nano(1700000000 * kS + 1) == "2023-11-14T22:13:20.000000001Z");
  CHECK(FormatRFC3339Nano(-1) == "1969-12-31T23:59:59.999999999Z");
  CHECK(FormatRFC3339Nano(951782400 * kS) == "2000-02-29T00:00:00Z");
  for (int64_t ns : {int64_t(0), 1700000000 * kS + 5, int64_t(4102444800) * kS + 999}) {
    CHECK(*ParseRFC3339(FormatRFC3339Nano(ns)) == ns);
  }
}

// Go's time.Parse(time.RFC3339Nano, s) is the spec (Loki parses push `ts` and API times with it);
// the values are what Go 1.21 returns. Lowercase t/z and leap seconds are RFC 3339 but not Go.
TEST_CASE("ParseRFC3339 accepts exactly what Go's time.Parse(RFC3339Nano) accepts") {
  constexpr int64_t k = 1700000000 * kS;   // 2023-11-14T22:13:20Z
  struct Case { const char* in; int64_t want; } good[] = {
      {"2023-11-14T22:13:20Z", k},
      {"2023-11-14T22:13:20.5Z", k + 500 * kNsPerMs},
      {"2023-11-14T22:13:20,5Z", k + 500 * kNsPerMs},                 // comma separator
      {"2023-11-14T22:13:20.123456789Z", k + 123456789},
      {"2023-11-14T22:13:20.1234567891Z", k + 123456789},            // digits past the ninth dropped
      {"1970-01-01T00:00:00.000000001Z", 1},
      {"2023-11-15T00:13:20+02:00", k},
      {"2023-11-14T12:13:20-10:00", k},
      {"2023-11-14T2:13:20Z", k - 20 * kH},                          // one-digit hour
      {"2023-11-15T22:13:20+24:00", k},                              // Go allows 24h and 60m offsets
      {"2023-11-14T21:13:20-00:60", k},
      {"2024-02-29T00:00:00Z", 1709164800 * kS},
      {"2000-02-29T12:00:00Z", 951825600 * kS}};
  for (const auto& c : good) {
    INFO(c.in);
    auto r = ParseRFC3339(c.in);
    REQUIRE(r.ok());
    CHECK(*r == c.want);
  }
  struct Bad { const char* in; const char* want; } bad[] = {
      {"", R"(cannot parse "" as "2006")"},
      {"2023-11-14t22:13:20Z", R"(cannot parse "t22:13:20Z" as "T")"},
      {"2023-11-14 22:13:20Z", R"(cannot parse " 22:13:20Z" as "T")"},
      {"2023-11-14T22:13:20z", R"(cannot parse "z" as "Z07:00")"},
      {"2023-11-14T22:13:20", R"(cannot parse "" as "Z07:00")"},
      {"2023-11-14T22:13:20.Z", R"(cannot parse ".Z" as "Z07:00")"},
      {"2023-11-14T22:13:20+0200", R"(cannot parse "+0200" as "Z07:00")"},
      {"2023-11-14T22:13:20+2:00", R"(cannot parse "+2:00" as "Z07:00")"},
      {"2023-1-14T22:13:20Z", R"(cannot parse "1-14T22:13:20Z" as "01")"},
      {"+023-11-14T22:13:20Z", R"(cannot parse "+023-11-14T22:13:20Z" as "2006")"},
      {"2023-11-14T123:13:20Z", R"(cannot parse "3:13:20Z" as ":")"},
      {"2023-11-14T22:13:20Zjunk", R"(: extra text: "junk")"},
      {"2023-13-14T22:13:20Z", ": month out of range"},
      {"2023-00-14T22:13:20Z", ": month out of range"},
      {"2023-02-29T00:00:00Z", ": day out of range"},
      {"1900-02-29T00:00:00Z", ": day out of range"},
      {"2023-04-31T00:00:00Z", ": day out of range"},
      {"2023-11-14T24:00:00Z", ": hour out of range"},
      {"2023-11-14T22:60:00Z", ": minute out of range"},
      {"2016-12-31T23:59:60Z", ": second out of range"},
      {"2023-11-14T22:13:20+25:00", ": time zone offset hour out of range"},
      {"2023-11-14T22:13:20+01:61", ": time zone offset minute out of range"}};
  for (const auto& c : bad) {
    INFO(c.in);
    auto r = ParseRFC3339(c.in);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kInvalidArgument);
    CHECK(r.status().message().rfind("parsing time \"" + std::string(c.in) + "\"", 0) == 0);
    CHECK(r.status().message().find(c.want) != std::string::npos);
  }
  CHECK(ParseRFC3339("2023-13-14T22:13:20Z").status().message() ==
        R"(parsing time "2023-13-14T22:13:20Z": month out of range)");
  CHECK(ParseRFC3339("2023-11-14 22:13:20Z").status().message() ==
        R"(parsing time "2023-11-14 22:13:20Z" as "2006-01-02T15:04:05.999999999Z07:00": cannot parse " 22:13:20Z" as "T")");
}

// Push timestamps are stored: a year-9999 time must be refused, not clamped to 2262 (or wrapped).
TEST_CASE("ParseRFC3339InRange refuses instants beyond int64 nanoseconds, ParseRFC3339 saturates them") {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max(), kMin = std::numeric_limits<int64_t>::min();
  struct Case { const char* in; bool fits; int64_t saturated; } cases[] = {
      {"2262-04-11T23:47:16.854775807Z", true, kMax},
      {"2262-04-11T23:47:16.854775808Z", false, kMax},
      {"2262-04-12T01:47:16+02:00", true, 9223372036 * kS},
      {"2300-01-01T00:00:00Z", false, kMax},
      {"9999-12-31T23:59:59.999999999Z", false, kMax},
      {"1677-09-21T00:12:43.145224192Z", true, kMin},
      {"1677-09-21T00:12:43.145224191Z", false, kMin},
      {"1600-01-01T00:00:00Z", false, kMin},
      {"0000-01-01T00:00:00Z", false, kMin}};
  for (const auto& c : cases) {
    INFO(c.in);
    auto sat = ParseRFC3339(c.in);
    REQUIRE(sat.ok());
    CHECK(*sat == c.saturated);
    auto strict = ParseRFC3339InRange(c.in);
    CHECK(strict.ok() == c.fits);
    if (c.fits) CHECK(*strict == *sat);
    else CHECK(strict.status().message().find("out of range: timestamps must lie between 1677-09-21T00:12:43.145224192Z"
                                              " and 2262-04-11T23:47:16.854775807Z") != std::string::npos);
  }
  CHECK(FormatRFC3339Nano(kMax) == "2262-04-11T23:47:16.854775807Z");
  CHECK(FormatRFC3339Nano(kMin) == "1677-09-21T00:12:43.145224192Z");
  CHECK_FALSE(ParseRFC3339InRange("2023-11-14T22:13:20").ok());   // syntax errors still win
}

TEST_CASE("FormatRFC3339 and FormatGoTime print Go's UTC layouts") {
  CHECK(FormatRFC3339(0) == "1970-01-01T00:00:00Z");
  CHECK(FormatRFC3339(1700000000999999999) == "2023-11-14T22:13:20Z");   // fraction truncated
  CHECK(FormatRFC3339(-1) == "1969-12-31T23:59:59Z");
  CHECK(FormatGoTime(1700000000000000000) == "2023-11-14 22:13:20 +0000 UTC");
  CHECK(FormatGoTime(1700000000120000000) == "2023-11-14 22:13:20.12 +0000 UTC");
  CHECK(FormatGoTime(1) == "1970-01-01 00:00:00.000000001 +0000 UTC");
}

TEST_CASE("ParseByteSize follows go-humanize ParseBytes") {
  struct Case { const char* in; int64_t want; } cases[] = {
      {"12MB", 12000000},  {"15MB", 15000000}, {"1MiB", 1 << 20}, {"256KB", 256000},
      {"256KiB", 262144},  {"1024", 1024},     {"1.5 GB", 1500000000}, {"3mb", 3000000},
      {"1,000 B", 1000},   {"2Gi", int64_t(2) << 30}, {"0", 0}};
  for (const auto& c : cases) {
    INFO(c.in);
    auto r = ParseByteSize(c.in);
    REQUIRE(r.ok());
    CHECK(*r == c.want);
  }
  for (const char* bad : {"", "MB", "12XB", "-1MB", "99999EB"}) {
    INFO(bad);
    CHECK_FALSE(ParseByteSize(bad).ok());
  }
}

TEST_CASE("FormatGoFloat matches strconv.FormatFloat 'f' -1") {
  struct Case { double in; const char* want; } cases[] = {
      {0, "0"},       {1, "1"},         {-2.5, "-2.5"},   {0.1, "0.1"},
      {1e21, "1000000000000000000000"}, {1e-7, "0.0000001"}, {123456.789, "123456.789"},
      {1.0 / 3, "0.3333333333333333"}};
  for (const auto& c : cases) CHECK(FormatGoFloat(c.in) == c.want);
  CHECK(FormatGoFloat(std::nan("")) == "NaN");
  CHECK(FormatGoFloat(INFINITY) == "+Inf");
  CHECK(FormatGoFloat(-INFINITY) == "-Inf");
}

TEST_CASE("civil date conversions round-trip") {
  for (int64_t days : {-719468, -1, 0, 1, 11016, 19675, 2932896}) {
    int64_t y;
    int m, d;
    CivilDateFromDays(days, &y, &m, &d);
    CHECK(DaysFromCivilDate(y, m, d) == days);
  }
  CHECK(DaysFromCivilDate(2000, 3, 1) == 11017);
}
