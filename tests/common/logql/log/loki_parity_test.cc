// Parser and keep details checked against Loki 2.9.3's pipeline: unpack without `_entry`, named
// logfmt/json labels that exist even when absent, --keep-empty, keep and the error labels, and
// rune-wise key sanitising.
#include <catch.hpp>

#include "tests/common/logql/log/test_util.h"

using namespace skald;
using skald::logql::log::testing::RunOne;

namespace {

struct Case {
  std::string query, line;
  bool kept;
  std::string want_line;    // "" = unchanged
  std::string want_labels;  // checked when non-empty
};

void RunTable(const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    INFO(c.query << "  on  " << c.line);
    auto o = RunOne(c.query, R"({app="web"})", c.line);
    CHECK(o.kept == c.kept);
    if (!o.kept || !c.kept) continue;
    CHECK(o.line == (c.want_line.empty() ? c.line : c.want_line));
    if (!c.want_labels.empty()) CHECK(o.labels == c.want_labels);
  }
}

}  // namespace

TEST_CASE("unpack only unpacks Promtail pack output") {
  RunTable({
      {R"({app="web"} | unpack)", R"({"a":"x","n":1,"b":true,"o":{"k":"v"},"arr":["s"]})", true, "",
       R"({app="web"})"},
      {R"({app="web"} | unpack)", R"({"a":"x","n":1,"o":{"k":"v"},"_entry":"msg"})", true, "msg",
       R"({a="x", app="web"})"},
      {R"({app="web"} | unpack)", R"({"app":"x","k-1":"y","_entry":"m"})", true, "m",
       R"({app="web", app_extracted="x", k_1="y"})"},
      {R"({app="web"} | unpack)", R"({"a":"x","_entry":5})", true, "", R"({app="web"})"},
      {R"({app="web"} | unpack | __error__="")", "", true, "", R"({app="web"})"},
      {R"({app="web"} | unpack | __error__="JSONParserErr")", "not json", true, "", ""},
  });
}

TEST_CASE("named logfmt labels exist even when the key is absent") {
  RunTable({
      // A present-but-empty label fails a numeric filter with __error__; an absent one drops the line.
      {R"({app="web"} | logfmt a, b | b > 1)", "a=1", true, "", ""},
      {R"({app="web"} | logfmt | b > 1)", "a=1", false, "", ""},
      {R"({app="web"} | logfmt a, b | b > 1 | __error__="LabelFilterErr")", "a=1", true, "", ""},
      {R"({app="web"} | logfmt x="a" | x > 1 | __error__="LabelFilterErr")", "b=2", true, "", ""},
      {R"({app="web"} | logfmt a | a > 1 | __error__="LabelFilterErr")", "a=", true, "", ""},
      {R"({app="web"} | logfmt x="a")", "a=5 b=6", true, "", R"({app="web", x="5"})"},
      {R"({app="web"} | logfmt x="a_b")", "a.b=1", true, "", R"({app="web", x="1"})"},
      {R"({app="web"} | logfmt x="a.b")", "a.b=1", true, "", R"({app="web"})"},
      {R"({app="web"} | logfmt app)", "app=api", true, "", R"({app="web", app_extracted="api"})"},
      {R"({app="web"} | logfmt a, b)", "a=1 b=2 c=3", true, "", R"({a="1", app="web", b="2"})"},
      {R"({app="web"} | logfmt a, b | keep a | b > 1)", "a=1", false, "", ""},  // keep drops empty b
      // Loki also takes a key equal to a label's own name (even when renamed from another key).
      {R"({app="web"} | logfmt x="a")", "x=7", true, "", R"({app="web", x="7"})"},
  });
}

TEST_CASE("named json labels exist even when the path is absent or null") {
  RunTable({
      {R"({app="web"} | json a="a", b="x.y" | b > 1 | __error__="LabelFilterErr")", R"({"a":1})", true, "", ""},
      {R"({app="web"} | json a="a" | a > 1 | __error__="LabelFilterErr")", R"({"a":null})", true, "", ""},
      {R"({app="web"} | json | a > 1)", R"({"a":null})", false, "", ""},
      {R"({app="web"} | json a="a", b="b")", R"({"a":"1"})", true, "", R"({a="1", app="web"})"},
      {R"({app="web"} | json a="a" | __error__="")", "", true, "", R"({app="web"})"},
      {R"({app="web"} | json | s > 1 | __error__="LabelFilterErr")", R"({"s":"�"})", true, "", ""},
  });
}

TEST_CASE("logfmt --keep-empty keeps standalone keys") {
  RunTable({
      {R"({app="web"} | logfmt --keep-empty | k > 1 | __error__="LabelFilterErr")", "k a=1", true, "", ""},
      {R"({app="web"} | logfmt --keep-empty | e > 1 | __error__="LabelFilterErr")", "a=1 e=", true, "", ""},
      {R"({app="web"} | logfmt --keep-empty | e > 1 | __error__="LabelFilterErr")", "a=1 e=\"\"", true, "", ""},
      {R"({app="web"} | logfmt | k > 1)", "k a=1", false, "", ""},
      {R"({app="web"} | logfmt | e > 1)", "a=1 e=", false, "", ""},
      {R"({app="web"} | logfmt --keep-empty)", "k a=1", true, "", R"({a="1", app="web"})"},
  });
}

TEST_CASE("logfmt keys and values with non-ASCII or invalid UTF-8") {
  RunTable({
      {R"({app="web"} | logfmt)", "\xC3\xA9=1 \xC3\xBC-x=2 \xE2\x80\x83sp=3", true, "",
       R"({_="1", __x="2", app="web", sp="3"})"},
      {R"({app="web"} | logfmt)", "k\xFF=1 a=2", true, "", R"({a="2", app="web"})"},
      {R"({app="web"} | logfmt --strict | __error__="LogfmtParserErr")", "k\xFF=1 a=2", true, "", ""},
      {R"({app="web"} | logfmt)", "a=\xFF b=2 c=\"\xEF\xBF\xBD\"", true, "", R"({app="web", b="2"})"},
  });
  auto o = RunOne(R"({app="web"} | logfmt --strict)", R"({app="web"})", R"(a="x)");
  CHECK(o.labels.find(R"(__error_details__="logfmt syntax error at pos 5 : unterminated quoted value")") !=
        std::string::npos);
}

TEST_CASE("keep never removes __error__ and __error_details__") {
  RunTable({
      {R"({app="web"} | json | keep a | __error__="JSONParserErr")", "oops", true, "", ""},
      {R"({app="web"} | json | keep a | __error__="")", "oops", false, "", ""},
      {R"({app="web"} | json | keep a)", R"({"a":"1","b":"2"})", true, "", R"({a="1"})"},
      {R"({app="web"} | logfmt | b > 1 | keep a | __error__="LabelFilterErr")", "a=1 b=x", true, "", ""},
  });
  auto o = RunOne(R"({app="web"} | json | keep a)", R"({app="web"})", "oops");
  REQUIRE(o.kept);
  CHECK(o.labels.find(R"(__error__="JSONParserErr")") != std::string::npos);
  CHECK(o.labels.find("__error_details__=") != std::string::npos);
  CHECK(o.labels.find("app=") == std::string::npos);
}
