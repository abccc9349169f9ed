// Time text, tenant resolution, grouped errors and byte-size formatting.
#include <catch.hpp>

#include "store/ingest/grouped_errors.h"
#include "store/ingest/tenant.h"
#include "store/ingest/time_text.h"
#include "store/ingest/validation_messages.h"

using namespace skald;
using namespace skald::ingest;

TEST_CASE("Go time text") {
  CHECK(FormatRFC3339(0) == "1970-01-01T00:00:00Z");
  CHECK(FormatRFC3339(1700000000999999999) == "2023-11-14T22:13:20Z");
  CHECK(FormatRFC3339(-1) == "1969-12-31T23:59:59Z");
  CHECK(FormatGoTime(1700000000000000000) == "2023-11-14 22:13:20 +0000 UTC");
  CHECK(FormatGoTime(1700000000120000000) == "2023-11-14 22:13:20.12 +0000 UTC");
  CHECK(FormatGoTime(1) == "1970-01-01 00:00:00.000000001 +0000 UTC");
  struct Case { const char* in; int64_t ns; };
  for (auto c : {Case{"2023-11-14T22:13:20Z", 1700000000000000000}, Case{"2023-11-14T22:13:20.5Z", 1700000000500000000},
                 Case{"2023-11-15T00:13:20+02:00", 1700000000000000000}, Case{"1970-01-01T00:00:00.000000001Z", 1}}) {
    auto r = ParseRFC3339Nano(c.in);
    REQUIRE(r.ok());
    CHECK(*r == c.ns);
  }
  for (const char* bad : {"", "2023-11-14", "2023-11-14T22:13:20", "2023-13-14T22:13:20Z", "2023-11-14T22:13:20.Z",
                          "2023-11-14T22:13:20Zjunk"})
    CHECK_FALSE(ParseRFC3339Nano(bad).ok());
}

TEST_CASE("push tenant resolution") {
  CHECK(*ResolvePushTenant(false, "") == "fake");
  CHECK(*ResolvePushTenant(false, "ignored|x") == "fake");
  CHECK(*ResolvePushTenant(true, "team-a") == "team-a");
  auto none = ResolvePushTenant(true, "");
  CHECK(none.status().code() == Code::kUnauthorized);
  CHECK(none.status().message() == "no org id");
  CHECK(ResolvePushTenant(true, "a|b").status().message() == "multiple org IDs present");
  CHECK(*ResolvePushTenant(true, "a|a") == "a");
  CHECK(ResolvePushTenant(true, "a/b").status().message() == "tenant ID 'a/b' contains unsupported character '/'");
  CHECK(ResolvePushTenant(true, std::string(151, 'x')).status().message() == "tenant ID is too long: max 150 characters");
  CHECK(ResolvePushTenant(true, "..").status().message() == "tenant ID is '.' or '..'");
}

TEST_CASE("grouped errors print like Loki's GroupedErrors") {
  GroupedErrors g;
  CHECK(g.empty());
  g.Add("x");
  CHECK(g.ToString() == "x");
  g.Add("x");
  CHECK(g.ToString() == "2 errors like: x");
  g.Add("y");
  CHECK(g.ToString() == "2 errors like: x; 1 errors like: y");
  CHECK(g.total() == 3);
}

TEST_CASE("byte sizes print like Go datasize") {
  CHECK(ByteSizeString(0) == "0B");
  CHECK(ByteSizeString(3 << 20) == "3MB");
  CHECK(ByteSizeString(1536 * 1024) == "1536KB");
  CHECK(ByteSizeString(10) == "10B");
  CHECK(ByteSizeString(1LL << 30) == "1GB");
}
