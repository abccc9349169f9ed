// Units used by LogQL literals and the canonical printer: Go/Prometheus durations, humanize
// byte sizes, and Go's float formatting.
#include <catch.hpp>

#include <cmath>
#include <limits>

#include "common/logql/units.h"

using namespace skald::logql;

TEST_CASE("Go durations") {
  struct Case {
    const char* in;
    int64_t ns;
    const char* go;
  };
  const Case cases[] = {
      {"1s", 1'000'000'000, "1s"},
      {"1.5m", 90'000'000'000, "1m30s"},
      {"1h", 3'600'000'000'000, "1h0m0s"},
      {"1h30m", 5'400'000'000'000, "1h30m0s"},
      {"300ms", 300'000'000, "300ms"},
      {"1.5us", 1'500, "1.5\xC2\xB5s"},
      {"1\xC2\xB5s", 1'000, "1\xC2\xB5s"},
      {"42ns", 42, "42ns"},
      {"-2s", -2'000'000'000, "-2s"},
      {"0", 0, "0s"},
      {"2.000000001s", 2'000'000'001, "2.000000001s"},
  };
  for (const Case& c : cases) {
    INFO(c.in);
    auto d = ParseGoDuration(c.in);
    REQUIRE(d);
    CHECK(*d == c.ns);
    CHECK(FormatGoDuration(*d) == c.go);
  }
  for (const char* bad : {"", "1", "1x", "s", "1d", ".s", "1..5s"}) {
    INFO(bad);
    CHECK_FALSE(ParseGoDuration(bad));
  }
}

TEST_CASE("Prometheus durations") {
  struct Case {
    const char* in;
    const char* out;
  };
  const Case cases[] = {{"5m", "5m"},   {"90m", "1h30m"}, {"1d", "1d"},       {"7d", "1w"},
                        {"8d", "8d"},   {"1y", "1y"},     {"1h30m", "1h30m"}, {"500ms", "500ms"},
                        {"1m30s", "1m30s"}};
  for (const Case& c : cases) {
    INFO(c.in);
    auto d = ParsePromDuration(c.in);
    REQUIRE(d);
    CHECK(FormatPromDuration(*d) == c.out);
  }
  CHECK_FALSE(ParsePromDuration("5m1h"));  // units out of order
  CHECK_FALSE(ParsePromDuration("1.5m"));  // no fractions
  CHECK(ParseLogqlDuration("1.5m") == 90'000'000'000);
  CHECK(ParseLogqlDuration("2w") == 14 * 86'400'000'000'000LL);
}

TEST_CASE("byte sizes") {
  struct Case {
    const char* in;
    uint64_t bytes;
  };
  const Case cases[] = {{"42", 42},       {"42b", 42},           {"1KB", 1000},
                        {"1kb", 1000},    {"1KiB", 1024},        {"20MB", 20'000'000},
                        {"1.5GB", 1'500'000'000}, {"2MiB", 2 * 1024 * 1024}, {"1 TB", 1'000'000'000'000}};
  for (const Case& c : cases) {
    INFO(c.in);
    auto b = ParseBytes(c.in);
    REQUIRE(b);
    CHECK(*b == c.bytes);
  }
  CHECK_FALSE(ParseBytes("MB"));
  CHECK_FALSE(ParseBytes("1XB"));
}

TEST_CASE("Go float formatting") {
  struct Case {
    double v;
    const char* g;
    const char* f;
  };
  const Case cases[] = {
      {10, "10", "10"},           {1.5, "1.5", "1.5"},         {-2.25, "-2.25", "-2.25"},
      {1e6, "1e+06", "1000000"},  {123456, "123456", "123456"}, {0.0001, "0.0001", "0.0001"},
      {0.00001, "1e-05", "0.00001"}, {1e21, "1e+21", "1000000000000000000000"},
      {0.1 + 0.2, "0.30000000000000004", "0.30000000000000004"}, {0, "0", "0"},
  };
  for (const Case& c : cases) {
    INFO(c.v);
    CHECK(FormatGoFloat(c.v) == c.g);
    CHECK(FormatGoFloatF(c.v) == c.f);
  }
  CHECK(FormatGoFloat(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(FormatGoFloat(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(FormatGoFloat(std::nan("")) == "NaN");
}
