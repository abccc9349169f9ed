// Tenant resolution, grouped errors and byte-size formatting.
#include <catch.hpp>

#include "store/ingest/grouped_errors.h"
#include "store/ingest/tenant.h"
#include "store/ingest/validation_messages.h"

using namespace skald;
using namespace skald::ingest;

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
