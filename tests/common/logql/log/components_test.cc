// Component tests: line matchers (literal/regex/ip/pattern strategies), ip patterns, Loki patterns,
// logfmt tokenising, json paths, decolorize, the labels builder.
#include <catch.hpp>

#include "common/logql/log/formatters.h"
#include "common/logql/log/ip_matcher.h"
#include "common/logql/log/json_parser.h"
#include "common/logql/log/labels_builder.h"
#include "common/logql/log/line_filter.h"
#include "common/logql/log/logfmt_parser.h"
#include "common/logql/log/pattern.h"

using namespace skald;
using namespace skald::logql::log;

TEST_CASE("line matcher strategies and results") {
  using K = LineMatcher::Kind;
  using S = LineMatcher::Strategy;
  struct Case { K kind; std::string value; S strategy; std::string line; bool want; };
  std::vector<Case> cases = {
      {K::kLiteral, "error", S::kMemmem, "an error here", true},
      {K::kLiteral, "error", S::kMemmem, "an ERROR here", false},
      {K::kLiteral, "", S::kMemmem, "", true},
      {K::kLiteral, "ü", S::kMemmem, "grüße", true},
      {K::kRegex, "error", S::kMemmem, "an error", true},
      {K::kRegex, "(?i)error", S::kCaseInsensitive, "an ErRoR", true},
      {K::kRegex, "(?i)error", S::kCaseInsensitive, "an erro", false},
      {K::kRegex, "foo|bar", S::kLiteralSet, "xx bar", true},
      {K::kRegex, "foo|bar", S::kLiteralSet, "xx baz", false},
      {K::kRegex, "a\\.b", S::kMemmem, "xa.b", true},
      {K::kRegex, "a\\.b", S::kMemmem, "xaxb", false},
      {K::kRegex, "status=5\\d\\d", S::kRegexPrefiltered, "status=503", true},
      {K::kRegex, "status=5\\d\\d", S::kRegexPrefiltered, "status=403", false},
      {K::kRegex, "^GET /api", S::kRegexPrefiltered, "GET /api/v1", true},
      {K::kRegex, "^GET /api", S::kRegexPrefiltered, "x GET /api/v1", false},
      {K::kRegex, "(a|b)c", S::kRegexPrefiltered, "bc", true},
      {K::kRegex, "(a|b)\\d", S::kRegex, "b1", true},
      {K::kRegex, "ab*c", S::kRegexPrefiltered, "ac", true},
      {K::kRegex, "x{2}y", S::kRegexPrefiltered, "xxy", true},
      {K::kRegex, "x{2}y", S::kRegexPrefiltered, "xy", false},
      {K::kRegex, "[0-9]+ms", S::kRegexPrefiltered, "took 15ms", true},
      {K::kIp, "192.168.0.1", S::kIp, "from 192.168.0.1:8080 ok", true},
      {K::kIp, "192.168.0.0/24", S::kIp, "client=192.168.0.77 ok", true},
      {K::kIp, "192.168.0.0/24", S::kIp, "client=192.168.1.77 ok", false},
      {K::kIp, "10.0.0.1-10.0.0.5", S::kIp, "x 10.0.0.3 y", true},
      {K::kIp, "10.0.0.1-10.0.0.5", S::kIp, "x 10.0.0.6 y", false},
      {K::kIp, "::1", S::kIp, "conn from ::1 closed", true},
      {K::kIp, "2001:db8::/32", S::kIp, "addr=2001:db8::68 up", true},
      {K::kPattern, "<_> error <_>", S::kPattern, "a error b", true},
      {K::kPattern, "<_> error <_>", S::kPattern, "a warn b", false},
  };
  for (const auto& c : cases) {
    INFO(c.value << " on " << c.line);
    auto m = LineMatcher::Make(c.kind, c.value);
    REQUIRE(m.ok());
    CHECK(m->strategy() == c.strategy);
    CHECK(m->Matches(c.line) == c.want);
  }
  CHECK_FALSE(LineMatcher::Make(K::kRegex, "(").ok());
  CHECK_FALSE(LineMatcher::Make(K::kIp, "300.1.1.1").ok());
  CHECK_FALSE(LineMatcher::Make(K::kIp, "10.0.0.5-10.0.0.1").ok());
}

TEST_CASE("required literal of a regex") {
  struct Case { std::string re, lit; };
  std::vector<Case> cases = {
      {"abc", "abc"}, {"ab*c", "a"}, {"abc+d", "abc"}, {"foo.*barbaz", "barbaz"},
      {"a|b", ""}, {"(?i)abc", ""}, {"x[abc]yz", "yz"}, {"\\d+ms", "ms"}, {"a{3}bb", "bb"},
  };
  for (const auto& c : cases) {
    INFO(c.re);
    CHECK(RegexRequiredLiteral(c.re) == c.lit);
  }
}

TEST_CASE("ip matcher on label values") {
  struct Case { std::string pattern, value; bool want; };
  std::vector<Case> cases = {
      {"192.168.4.5", "192.168.4.5", true}, {"192.168.4.5", "192.168.4.6", false},
      {"192.168.4.5/16", "192.168.200.1", true}, {"192.168.4.5-192.168.4.20", "192.168.4.20", true},
      {"192.168.4.5-192.168.4.20", "192.168.4.21", false}, {"::1", "::1", true},
      {"::/0", "192.168.0.1", false}, {"0.0.0.0/0", "8.8.8.8", true}, {"10.0.0.1", "not-an-ip", false},
  };
  for (const auto& c : cases) {
    auto m = IpMatcher::Make(c.pattern);
    REQUIRE(m.ok());
    INFO(c.pattern << " " << c.value);
    CHECK(m->MatchesAddress(c.value) == c.want);
  }
}

TEST_CASE("Loki pattern syntax") {
  auto p = Pattern::Parse("<ip> - - <_> \"<method> <uri> <_>\" <status> <size>", true);
  REQUIRE(p.ok());
  std::vector<std::string_view> v;
  REQUIRE(p->Match("10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] \"GET /index.html HTTP/1.0\" 200 2326", &v));
  REQUIRE(v.size() == 5);
  CHECK(v[0] == "10.0.0.1");
  CHECK(v[1] == "GET");
  CHECK(v[2] == "/index.html");
  CHECK(v[3] == "200");
  CHECK(v[4] == "2326");
  CHECK_FALSE(p->Match("garbage", &v));
  CHECK_FALSE(Pattern::Parse("<a><b>", true).ok());
  CHECK_FALSE(Pattern::Parse("no captures", true).ok());
  CHECK_FALSE(Pattern::Parse("<_> only", true).ok());
  CHECK(Pattern::Parse("<_> only", false).ok());
  CHECK_FALSE(Pattern::Parse("<a> x <a>", true).ok());
  auto lit = Pattern::Parse("level=<level> msg", true);
  REQUIRE(lit.ok());
  CHECK(lit->Match("level=info msg=hi", &v));
  CHECK(v[0] == "info");
  CHECK_FALSE(lit->Match("x level=info msg", &v));  // a leading literal anchors at the start
}

TEST_CASE("logfmt tokeniser") {
  struct Case { std::string line; std::vector<std::string> want; bool error; };
  std::vector<Case> cases = {
      {"a=b c=d", {"a=b", "c=d"}, false},
      {"a=\"b c\" d", {"a=\"b c\"", "d"}, false},
      {"a= b=1", {"a=", "b=1"}, false},
      {"  ", {}, false},
      {"a==b c=d", {"c=d"}, true},
      {"=b c=d", {"c=d"}, true},
      {"a=\"unterminated", {}, true},
      {"msg=\"with \\\"escape\\\"\" x=1", {"msg=\"with \\\"escape\\\"\"", "x=1"}, false},
  };
  for (const auto& c : cases) {
    INFO(c.line);
    size_t pos = 0;
    LogfmtPair p;
    std::string err;
    std::vector<std::string> got;
    bool saw_err = false;
    while (NextLogfmtPair(c.line, &pos, &p, &err)) {
      if (!err.empty()) { saw_err = true; err.clear(); continue; }
      got.push_back(std::string(p.key) + (p.has_equals ? "=" : "") + std::string(p.value));
    }
    CHECK(got == c.want);
    CHECK(saw_err == c.error);
  }
}

TEST_CASE("json path to pointer") {
  struct Case { std::string path, ptr; };
  std::vector<Case> cases = {
      {"a", "/a"}, {"a.b.c", "/a/b/c"}, {"a[0]", "/a/0"}, {"a[0].b", "/a/0/b"},
      {"[\"x.y\"]", "/x.y"}, {"a[\"b c\"][2]", "/a/b c/2"}, {"a/b", "/a~1b"},
  };
  for (const auto& c : cases) {
    auto p = JsonPathToPointer(c.path);
    INFO(c.path);
    REQUIRE(p.ok());
    CHECK(*p == c.ptr);
  }
  for (std::string bad : {"", "a.", "a[", "a[x]", ".a"}) {
    INFO(bad);
    CHECK_FALSE(JsonPathToPointer(bad).ok());
  }
}

TEST_CASE("decolorize strips ANSI sequences") {
  Decolorize d;
  struct Case { std::string in, out; };
  std::vector<Case> cases = {
      {"\x1b[31mred\x1b[0m text", "red text"},
      {"plain", "plain"},
      {"\x1b[1;32mbold green\x1b[m", "bold green"},
      {"", ""},
  };
  for (const auto& c : cases) {
    std::string out;
    d.Strip(c.in, &out);
    CHECK(out == c.out);
  }
}

TEST_CASE("labels builder overlays, deletes and collisions") {
  auto base = LabelSet::Parse(R"({app="web", level="info"})");
  REQUIRE(base.ok());
  std::vector<Label> md = {{"trace_id", "abc"}};
  LabelsBuilder b;
  b.Reset(&*base, &md);
  CHECK(b.Get("app") == std::optional<std::string_view>("web"));
  CHECK(b.Get("trace_id") == std::optional<std::string_view>("abc"));
  b.SetParsed("level", "error");
  b.SetParsed("trace_id", "x");
  b.SetParsed("new", "1");
  CHECK(b.Get("level") == std::optional<std::string_view>("info"));
  CHECK(b.Get("level_extracted") == std::optional<std::string_view>("error"));
  CHECK(b.Get("trace_id_extracted") == std::optional<std::string_view>("x"));
  b.Del("app");
  CHECK_FALSE(b.Get("app").has_value());
  CHECK(b.Build().ToString() ==
        R"({level="info", level_extracted="error", new="1", trace_id="abc", trace_id_extracted="x"})");
  b.Reset(&*base, nullptr);  // reuse: previous line's changes are gone
  CHECK_FALSE(b.Changed());
  CHECK(b.Build() == *base);
}

TEST_CASE("literal search agrees with std::string::find on random inputs") {
  uint32_t seed = 12345;
  auto next = [&] { seed = seed * 1103515245u + 12345u; return seed >> 16; };
  for (int iter = 0; iter < 5000; ++iter) {
    std::string hay(next() % 80, 'a'), needle(1 + next() % 6, 'a');
    for (char& c : hay) c = static_cast<char>('a' + next() % 3);
    for (char& c : needle) c = static_cast<char>('a' + next() % 3);
    auto m = LineMatcher::Make(LineMatcher::Kind::kLiteral, needle);
    REQUIRE(m.ok());
    INFO(hay << " / " << needle);
    REQUIRE(m->Matches(hay) == (hay.find(needle) != std::string::npos));
  }
}

TEST_CASE("label_format validation") {
  CHECK_FALSE(LabelFormat::Make({{"__error__", "x", true}}).ok());
  CHECK_FALSE(LabelFormat::Make({{"a", "x", true}, {"a", "{{.b}}", false}}).ok());
  CHECK_FALSE(LabelFormat::Make({{"a", "{{ nosuchfunc }}", false}}).ok());
  CHECK(LabelFormat::Make({{"a", "b", true}, {"c", "{{.d}}", false}}).ok());
}
