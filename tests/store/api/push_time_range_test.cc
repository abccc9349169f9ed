// Push timestamps beyond int64 nanoseconds over real HTTP: a legacy JSON entry dated 2300 or 9999
// is a 400 naming the time and its range, and nothing of that request is stored (no clamped year).
#include <catch.hpp>

#include <httplib.h>

#include <chrono>
#include <string>

#include "common/time_util.h"
#include "tests/store/api/push_test_server.h"

using namespace skald;
using skald::testing::PushTestServer;

namespace {

std::string LegacyBody(const std::string& ts) {
  const std::string now = FormatRFC3339Nano(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  return R"({"streams":[{"labels":"{job=\"legacy\"}","entries":[{"ts":")" + now + R"(","line":"valid"},)" +
         R"({"ts":")" + ts + R"(","line":"far"}]}]})";
}

}  // namespace

TEST_CASE("legacy JSON push dated past 2262 or before 1678 is a clear 400, nothing stored", "[push]") {
  PushTestServer srv(LimitsConfig{}, false);
  httplib::Client cli("127.0.0.1", srv.port());
  for (const char* ts : {"2300-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "1600-06-01T00:00:00+02:00"}) {
    INFO(ts);
    auto r = cli.Post("/api/prom/push", LegacyBody(ts), "application/json");
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(r->body.find("parsing time \"" + std::string(ts) + "\": out of range: timestamps must lie between "
                       "1677-09-21T00:12:43.145224192Z and 2262-04-11T23:47:16.854775807Z") != std::string::npos);
    CHECK(r->body.find("too old") == std::string::npos);   // not a wrapped time judged by the validator
  }
  CHECK(srv.sink.Rows().empty());
  auto ok = cli.Post("/api/prom/push", LegacyBody("2262-04-11T23:47:16Z"), "application/json");
  REQUIRE(ok);
  CHECK(ok->status == 400);                                  // representable: the validator's verdict
  CHECK(ok->body.find("has timestamp too new: 2262-04-11T23:47:16Z") != std::string::npos);
  CHECK(srv.sink.Rows().size() == 1);                        // and partial success for the valid entry
}
