// Go layout parsing/formatting against values Go's time package produces (from Go's documentation
// examples and time.Parse semantics).
#include <catch.hpp>

#include "common/gotime/gotime.h"

using namespace skald::gotime;

namespace {
constexpr int64_t kS = 1000000000LL;
}

TEST_CASE("gotime: parse named and custom layouts") {
  struct Case {
    std::string layout, value;
    int64_t want_ns;
  };
  // 2026-11-26T10:00:00Z = 1795687200
  const int64_t base = 1795687200LL * kS;
  std::vector<Case> cases = {
      {std::string(kRFC3339), "2026-11-26T10:00:00Z", base},
      {std::string(kRFC3339), "2026-11-26T10:00:00.5Z", base + kS / 2},  // fraction accepted after seconds
      {std::string(kRFC3339Nano), "2026-11-26T10:00:00.123456789Z", base + 123456789},
      {std::string(kRFC3339Nano), "2026-11-26T11:00:00.1+01:00", base + kS / 10},
      {std::string(kRFC3339), "2026-11-26T05:00:00-05:00", base},
      {std::string(kANSIC), "Thu Nov 26 10:00:00 2026", base},
      {std::string(kANSIC), "Thu Nov  6 10:00:00 2026", base - 20 * 86400 * kS},
      {std::string(kUnixDate), "Thu Nov 26 10:00:00 UTC 2026", base},
      {std::string(kRubyDate), "Thu Nov 26 12:00:00 +0200 2026", base},
      {std::string(kRFC822), "26 Nov 26 10:00 UTC", base},
      {std::string(kRFC822Z), "26 Nov 26 10:00 +0000", base},
      {std::string(kRFC850), "Thursday, 26-Nov-26 10:00:00 UTC", base},
      {std::string(kRFC1123), "Thu, 26 Nov 2026 10:00:00 GMT", base},
      {std::string(kRFC1123Z), "Thu, 26 Nov 2026 10:00:00 +0000", base},
      {"2006-01-02 15:04:05.000", "2026-11-26 10:00:00.250", base + kS / 4},
      {"02/Jan/2006:15:04:05 -0700", "26/Nov/2026:10:00:00 +0000", base},
      {"2006-01-02 3:04:05 PM", "2026-11-26 10:00:00 AM", base},
      {"2006-01-02 3:04:05 PM", "2026-11-26 12:30:00 AM", base - 10 * 3600 * kS + 1800 * kS},
      {"2006-01-02 3:04:05 pm", "2026-11-26 10:00:00 pm", base + 12 * 3600 * kS},
      {"January 2, 2006", "November 26, 2026", base - 10 * 3600 * kS},
      {"2006-01-02T15:04:05,000Z07:00", "2026-11-26T10:00:00,100Z", base + kS / 10},
      {"2006 002", "2026 330", base - 10 * 3600 * kS},
  };
  for (const auto& c : cases) {
    INFO(c.layout << " <- " << c.value);
    auto r = Parse(c.layout, c.value);
    REQUIRE(r.ok());
    CHECK(r->unix_ns() == c.want_ns);
  }
}

TEST_CASE("gotime: parse errors read like Go's") {
  struct Case {
    std::string layout, value, want;
  };
  std::vector<Case> cases = {
      {std::string(kRFC3339), "2026-11-26 10:00:00Z",
       "parsing time \"2026-11-26 10:00:00Z\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \" 10:00:00Z\" as \"T\""},
      {std::string(kRFC3339), "2026-13-26T10:00:00Z", "parsing time \"2026-13-26T10:00:00Z\": month out of range"},
      {"2006-01-02", "2026-02-30", "parsing time \"2026-02-30\": day out of range"},
      {"2006-01-02", "2026-02-03 x", "parsing time \"2026-02-03 x\": extra text: \" x\""},
      {"2006", "26", "parsing time \"26\" as \"2006\": cannot parse \"26\" as \"2006\""},
  };
  for (const auto& c : cases) {
    auto r = Parse(c.layout, c.value);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message() == c.want);
  }
}

TEST_CASE("gotime: layouts without a year parse year 0") {
  auto r = Parse(kStamp, "Nov 26 10:00:00");
  REQUIRE(r.ok());
  CHECK(r->year == 0);
  auto m = Parse(kStampMilli, "Nov 26 10:00:00.123");
  REQUIRE(m.ok());
  CHECK(m->nsec == 123000000);
}

TEST_CASE("gotime: locations") {
  auto ny = Location::Load("America/New_York");
  REQUIRE(ny.ok());
  // wall time in location: 2026-07-01 12:00 EDT = 16:00Z; 2026-01-01 12:00 EST = 17:00Z
  auto s = Parse("2006-01-02 15:04", "2026-07-01 12:00", *ny);
  REQUIRE(s.ok());
  CHECK(s->unix_ns() == (DaysFromCivil(2026, 7, 1) * 86400 + 16 * 3600) * kS);
  auto w = Parse("2006-01-02 15:04", "2026-01-01 12:00", *ny);
  REQUIRE(w.ok());
  CHECK(w->unix_ns() == (DaysFromCivil(2026, 1, 1) * 86400 + 17 * 3600) * kS);
  // an abbreviation known in the location
  auto a = Parse(kUnixDate, "Thu Jan  1 12:00:00 EST 2026", *ny);
  REQUIRE(a.ok());
  CHECK(a->unix_ns() == w->unix_ns());
  CHECK(Format(kRFC3339, s->unix_ns(), *ny) == "2026-07-01T12:00:00-04:00");
  CHECK(Format(kUnixDate, w->unix_ns(), *ny) == "Thu Jan  1 12:00:00 EST 2026");
  CHECK_FALSE(Location::Load("Nowhere/Land").ok());
}

TEST_CASE("gotime: format") {
  const int64_t t = 1795687200LL * kS + 123456789;
  struct Case {
    std::string layout, want;
  };
  std::vector<Case> cases = {
      {std::string(kRFC3339Nano), "2026-11-26T10:00:00.123456789Z"},
      {std::string(kRFC3339), "2026-11-26T10:00:00Z"},
      {"2006-01-02T15:04:05.999999999-0700", "2026-11-26T10:00:00.123456789+0000"},
      {std::string(kANSIC), "Thu Nov 26 10:00:00 2026"},
      {std::string(kUnixDate), "Thu Nov 26 10:00:00 UTC 2026"},
      {std::string(kKitchen), "10:00AM"},
      {std::string(kStampMilli), "Nov 26 10:00:00.123"},
      {"Monday January 2 06 002", "Thursday November 26 26 330"},
  };
  for (const auto& c : cases) CHECK(Format(c.layout, t) == c.want);
  CHECK(Format(kRFC3339Nano, 1795687200LL * kS + 100000000) == "2026-11-26T10:00:00.1Z");
  CHECK(Format(kRFC3339, -kS) == "1969-12-31T23:59:59Z");
}

TEST_CASE("gotime: named layouts") {
  CHECK(NamedLayout("RFC3339Nano") == kRFC3339Nano);
  CHECK(NamedLayout("Kitchen") == kKitchen);
  CHECK_FALSE(NamedLayout("Unix").has_value());
}

// Regression (fuzz_line_stages): a cri line dated year 1012 overflowed int64 in unix_ns() (undefined
// behaviour). Instants outside int64 nanoseconds saturate, as ParseRFC3339 does.
TEST_CASE("gotime: unix_ns saturates outside the int64 nanosecond range") {
  auto old = Parse(kRFC3339Nano, "1012-01-02T03:04:05.000000001Z");
  REQUIRE(old.ok());
  CHECK(old->unix_ns() == INT64_MIN);
  auto late = Parse(kRFC3339Nano, "9999-12-31T23:59:59.999999999Z");
  REQUIRE(late.ok());
  CHECK(late->unix_ns() == INT64_MAX);
  auto edge = Parse(kRFC3339Nano, "2262-04-11T23:47:16.854775807Z");
  REQUIRE(edge.ok());
  CHECK(edge->unix_ns() == INT64_MAX);
  auto first = Parse(kRFC3339Nano, "1677-09-21T00:12:43.145224193Z");
  REQUIRE(first.ok());
  CHECK(first->unix_ns() == INT64_MIN + 1);
  auto before = Parse(kRFC3339Nano, "1677-09-21T00:12:43.145224191Z");
  REQUIRE(before.ok());
  CHECK(before->unix_ns() == INT64_MIN);
  auto past_edge = Parse(kRFC3339Nano, "2262-04-11T23:47:17Z");
  REQUIRE(past_edge.ok());
  CHECK(past_edge->unix_ns() == INT64_MAX);
}
