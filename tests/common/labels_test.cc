// LabelSet parse/print/fingerprint and Go quoting, table-driven.
#include <catch.hpp>

#include "common/labels.h"

using namespace skald;

TEST_CASE("labels: parse and print round-trip", "[labels]") {
  struct Case { const char* in; const char* out; };
  Case cases[] = {
      {"{}", "{}"},
      {R"({b="2", a="1"})", R"({a="1", b="2"})"},
      {R"( { job = "docker" , } )", R"({job="docker"})"},
      {R"({a="x\"y\\z\n"})", R"({a="x\"y\\z\n"})"},
      {R"({a=`raw\n`})", R"({a="raw\\n"})"},
      {R"({a="é"})", R"({a="é"})"},
      {R"({a="", b="1"})", R"({b="1"})"},
  };
  for (const auto& c : cases) {
    INFO(c.in);
    auto ls = LabelSet::Parse(c.in);
    REQUIRE(ls.ok());
    CHECK(ls->ToString() == c.out);
  }
}

TEST_CASE("labels: parse errors", "[labels]") {
  for (const char* bad : {"", "a=\"b\"", "{a=b}", "{a=\"b\"", "{1a=\"b\"}", "{a=\"b\", a=\"c\"}",
                          "{a=\"b\"} x", "{a=\"\\q\"}"}) {
    INFO(bad);
    CHECK_FALSE(LabelSet::Parse(bad).ok());
  }
}

TEST_CASE("labels: fingerprint is order independent and distinguishes values", "[labels]") {
  auto a = LabelSet::Parse(R"({a="1", b="2"})");
  auto b = LabelSet::Parse(R"({b="2", a="1"})");
  auto c = LabelSet::Parse(R"({a="12", b=""})");
  REQUIRE((a.ok() && b.ok() && c.ok()));
  CHECK(a->Fingerprint() == b->Fingerprint());
  CHECK(a->Fingerprint() != c->Fingerprint());
}

TEST_CASE("labels: set, get, erase keep order", "[labels]") {
  LabelSet ls;
  ls.Set("b", "2");
  ls.Set("a", "1");
  ls.Set("c", "3");
  CHECK(ls.ToString() == R"({a="1", b="2", c="3"})");
  ls.Erase("b");
  CHECK(ls.Get("b") == std::nullopt);
  CHECK(ls.Get("c").value() == "3");
  ls.Set("a", "");
  CHECK(ls.ToString() == R"({c="3"})");
}

TEST_CASE("labels: Go quoting of control and invalid bytes", "[labels]") {
  CHECK(GoQuote("a\tb") == R"("a\tb")");
  CHECK(GoQuote(std::string("\x01", 1)) == R"("\x01")");
  CHECK(GoQuote("\xff") == R"("\xff")");
  CHECK(GoUnquote(R"("\u00e9\x41")").value() == "éA");
  CHECK_FALSE(GoUnquote(R"("abc)").ok());
}
