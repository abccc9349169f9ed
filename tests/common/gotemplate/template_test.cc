// Go template subset: table-driven parse/execute cases (Loki line_format examples, Go semantics of
// trim markers, pipelines, if/else chains, comparison and the function set) and error cases.
#include <catch.hpp>

#include <fmt/format.h>

#include <map>

#include "common/gotemplate/template.h"

using skald::gotemplate::Template;
using skald::gotemplate::TemplateData;

namespace {

struct MapData : TemplateData {
  std::map<std::string, std::string, std::less<>> labels;
  std::string line;
  int64_t ts = 0;
  std::optional<std::string_view> Label(std::string_view n) const override {
    auto it = labels.find(n);
    if (it == labels.end()) return std::nullopt;
    return std::string_view(it->second);
  }
  std::string_view Line() const override { return line; }
  int64_t TimestampNs() const override { return ts; }
};

std::string Run(const std::string& tmpl, const MapData& d) {
  auto t = Template::Parse(tmpl);
  REQUIRE(t.ok());
  std::string out;
  auto st = t->Execute(d, &out);
  INFO(st.message());
  REQUIRE(st.ok());
  return out;
}

}  // namespace

TEST_CASE("template renders fields, pipelines and functions") {
  MapData d;
  d.labels = {{"status", "500"}, {"method", "GET"}, {"path", "/api/v1"}, {"query", "test query"},
              {"name", "  Bob  "}, {"ts", "2024-03-05T10:20:30Z"}, {"n", "7"}, {"empty", ""},
              {"greek", "αβγ"}, {"dur", "1.5s"}, {"size", "1KiB"}};
  d.line = "original line";
  d.ts = 1700000000123456789LL;
  struct Case { std::string tmpl, want; };
  std::vector<Case> cases = {
      {"{{.status}}", "500"},
      {"{{ .method }} {{.path}}", "GET /api/v1"},
      {"{{.missing}}|", "|"},
      {"a  {{- .method -}}  b", "aGETb"},
      {"a {{- /* comment */ -}} b", "ab"},
      {"{{ .method | ToLower }}", "get"},
      {"{{ .method | ToLower | ToUpper }}", "GET"},
      {"{{ ToLower .method }}", "get"},
      {"{{ Replace .query \"test\" \"foo\" -1 }}", "foo query"},
      {"{{ .query | replace \"test\" \"x\" }}", "x query"},
      {"{{ TrimSpace .name }}", "Bob"},
      {"{{ .name | trim }}", "Bob"},
      {"{{ Trim .path \"/\" }}", "api/v1"},
      {"{{ TrimPrefix .path \"/api\" }}", "/v1"},
      {"{{ TrimSuffix .path \"/v1\" }}", "/api"},
      {"{{ TrimLeft .path \"/a\" }}", "pi/v1"},
      {"{{ printf \"%s-%d\" .method 3 }}", "GET-3"},
      {"{{ printf \"%d\" .status }}", "%!d(string=500)"},
      {"{{ printf \"%5s|%-5s|%05d|%.2f|%q\" \"a\" \"b\" 42 3.14159 \"x\" }}", "    a|b    |00042|3.14|\"x\""},
      {"{{ printf \"%s\" }}", "%!s(MISSING)"},
      {"{{ .missing | default \"none\" }}", "none"},
      {"{{ .method | default \"none\" }}", "GET"},
      {"{{ default \"none\" .empty }}", "none"},
      {"{{ regexReplaceAll \"(\\\\w+) (\\\\w+)\" .query \"${2}_$1\" }}", "query_test"},
      {"{{ regexReplaceAllLiteral \"t\" .query \"$1\" }}", "$1es$1 query"},
      {"{{ regexReplaceAll \"a*\" \"baaac\" \"X\" }}", "XbXcX"},
      {"{{ if contains \"api\" .path }}yes{{ end }}", "yes"},
      {"{{ if hasPrefix \"/api\" .path }}p{{ end }}{{ if hasSuffix \"v1\" .path }}s{{ end }}", "ps"},
      {"{{ if eq .status \"500\" }}err{{ else }}ok{{ end }}", "err"},
      {"{{ if eq .status \"200\" }}ok{{ else if eq .status \"500\" }}5xx{{ else }}?{{ end }}", "5xx"},
      {"{{ if eq .status \"1\" \"2\" }}a{{ else if ne .method \"GET\" }}b{{ else }}c{{ end }}", "c"},
      {"{{ if and .method (not .empty) }}t{{ end }}", "t"},
      {"{{ or .empty .missing \"fallback\" }}", "fallback"},
      {"{{ if lt 1 2 }}lt{{ end }}{{ if ge 2.5 2.5 }}ge{{ end }}{{ if gt \"b\" \"a\" }}gt{{ end }}", "ltgegt"},
      {"{{ add 1 2 .n }}", "10"},
      {"{{ sub .n 2 }} {{ mul 2 3 4 }} {{ div 7 2 }} {{ mod 7 2 }}", "5 24 3 1"},
      {"{{ addf 1.5 2 }} {{ divf 1 4 }} {{ mulf 1.5 2 }} {{ subf 1 0.25 }}", "3.5 0.25 3 0.75"},
      // Go's %v for floats: exponent form from 1e6 up and below 1e-4.
      {"{{ mulf 1000 1000 }} {{ mulf 123456.5 1 }} {{ mulf 1234567 1 }} {{ divf 1 100000 }} {{ divf 1 10000 }}",
       "1e+06 123456.5 1.234567e+06 1e-05 0.0001"},
      {"{{ with .method }}[{{ . }}]{{ end }}{{ with .empty }}x{{ else }}none{{ end }}", "[GET]none"},
      {"{{ $m := .method }}{{ $m }}-{{ $m | ToLower }}", "GET-get"},
      {"{{ with .method }}{{ $.status }}/{{ . }}{{ end }}", "500/GET"},
      {"{{ __line__ }}", "original line"},
      {"{{ __line__ | ToUpper }}", "ORIGINAL LINE"},
      {"{{ __timestamp__ | unixEpoch }}", "1700000000"},
      {"{{ __timestamp__ | date \"2006-01-02T15:04:05.000Z07:00\" }}", "2023-11-14T22:13:20.123Z"},
      {"{{ toDate \"2006-01-02T15:04:05Z07:00\" .ts | unixEpoch }}", "1709634030"},
      {"{{ toDate \"2006-01-02T15:04:05Z07:00\" .ts | unixEpochMillis }}", "1709634030000"},
      {"{{ date \"2006-01-02\" (toDate \"2006-01-02T15:04:05Z07:00\" .ts) }}", "2024-03-05"},
      {"{{ toDateInZone \"2006-01-02 15:04\" \"UTC\" \"2024-01-01 00:00\" | unixEpoch }}", "1704067200"},
      {"{{ toDate \"2006\" \"garbage\" | unixEpoch }}", "-62135596800"},
      // date on an int is time.Unix(n, 0) at any size (found by fuzz_gotemplate: was n * 1e9 overflow).
      {"{{ 5555555555555555 | date \"2006-01-02 15\" }}", "176050517-04-05 15"},
      {"{{ date \"2006-01-02T15:04:05\" 253402300799 }}", "9999-12-31T23:59:59"},
      // unixEpochNanos beyond 2262 wraps like Go's UnixNano.
      {"{{ toDate \"2006-01-02\" \"9999-12-31\" | unixEpochNanos }}", "-4852202631933722624"},
      // unixToTime picks the unit from the digit count: 5 days, 10 s, 13 ms, 16 µs, 19 ns.
      {"{{ unixToTime \"19373\" | date \"2006-01-02\" }}", "2023-01-16"},
      {"{{ unixToTime \"1673798889\" | unixEpoch }}", "1673798889"},
      {"{{ unixToTime \"1673798889902\" | unixEpochMillis }}", "1673798889902"},
      {"{{ unixToTime \"1673798889902123\" | unixEpochNanos }}", "1673798889902123000"},
      {"{{ unixToTime \"1673798889902123456\" | unixEpochNanos }}", "1673798889902123456"},
      {"{{ unixToTime \"-000000001\" | unixEpoch }}", "-1"},
      {"{{ unixToTime \"9999999999999\" | date \"2006\" }}", "2286"},
      {"{{ count \"a\" \"banana\" }}", "3"},
      {"{{ urlencode \"a b&c\" }} {{ urldecode \"a+b%26c\" }}", "a+b%26c a b&c"},
      {"{{ b64enc \"hello\" }} {{ b64dec \"aGVsbG8=\" }}", "aGVsbG8= hello"},
      {"{{ substr 1 3 .method }} {{ trunc 2 .method }} {{ trunc -2 .method }}", "ET GE ET"},
      {"{{ repeat 3 \"ab\" }}", "ababab"},
      {"{{ indent 2 \"a\\nb\" }}", "  a\n  b"},
      {"{{ title \"hello world\" }} {{ upper \"x\" }} {{ lower \"Y\" }}", "Hello World X y"},
      {"[{{ alignLeft 5 .method }}][{{ alignRight 5 .method }}][{{ alignLeft 2 .greek }}]", "[GET  ][  GET][αβ]"},
      {"{{ sha256 \"abc\" }}", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {"{{ duration .dur }} {{ bytes .size }}", "1.5 1024"},
      {"{{ .greek | ToUpper }}", "ΑΒΓ"},
      {"{{ \"literal\" }} {{ `raw\\n` }} {{ 42 }} {{ 1.5 }} {{ true }}", "literal raw\\n 42 1.5 true"},
      {"", ""},
      {"no actions here", "no actions here"},
      {"{{ len .method }}", "3"},
  };
  for (const auto& c : cases) {
    INFO(c.tmpl);
    CHECK(Run(c.tmpl, d) == c.want);
  }
}

TEST_CASE("unixToTime rejects lengths and text Loki rejects") {
  MapData d;
  for (const char* arg : {"123", "16737988899", "abc", "", "1673798889x"}) {
    INFO(arg);
    auto t = Template::Parse(fmt::format("{{{{ unixToTime \"{}\" }}}}", arg));
    REQUIRE(t.ok());
    std::string out;
    auto st = t->Execute(d, &out);
    CHECK_FALSE(st.ok());
    CHECK(st.message().find("unable to parse time") != std::string::npos);
  }
}

TEST_CASE("template parse errors") {
  std::vector<std::string> bad = {
      "{{ .a", "{{ nosuch .a }}", "{{ if .a }}x", "{{ end }}", "{{ else }}", "{{ \"unterminated }}",
      "{{ (ToUpper .a }}", "{{ .a .b }}", "{{ range .a }}{{ end }}", "{{ }}", "{{ if .a }}{{ else }}{{ else }}{{ end }}",
  };
  for (const auto& b : bad) {
    INFO(b);
    auto t = Template::Parse(b);
    CHECK_FALSE(t.ok());
    if (!t.ok()) CHECK(t.status().message().rfind("template: ", 0) == 0);
  }
}

TEST_CASE("template execution errors are returned, output so far kept") {
  MapData d;
  d.labels = {{"a", "x"}};
  struct Case { std::string tmpl, want_err; };
  std::vector<Case> cases = {
      {"pre {{ div 1 0 }}", "integer divide by zero"},
      {"{{ divf 1 0 }}", "division by 0"},
      {"{{ ToUpper 3 }}", "expected string; got int"},
      {"{{ if eq .a 1 }}{{ end }}", "incompatible types"},
      {"{{ $x }}", "undefined variable"},
      {"{{ with .a }}{{ .b }}{{ end }}", "can't evaluate field b"},
      {"{{ regexReplaceAll \"(\" .a \"\" }}", "regexp"},
      {"{{ Replace .a }}", "wrong number of args"},
  };
  for (const auto& c : cases) {
    INFO(c.tmpl);
    auto t = Template::Parse(c.tmpl);
    REQUIRE(t.ok());
    std::string out;
    auto st = t->Execute(d, &out);
    REQUIRE_FALSE(st.ok());
    CHECK(st.message().find(c.want_err) != std::string::npos);
  }
  auto t = Template::Parse("pre {{ div 1 0 }}");
  std::string out;
  CHECK_FALSE(t->Execute(d, &out).ok());
  CHECK(out == "pre ");
}

TEST_CASE("template is reusable and literal detection works") {
  auto t = Template::Parse("{{.a}}-{{.b}}");
  REQUIRE(t.ok());
  CHECK_FALSE(t->IsLiteral());
  CHECK(Template::Parse("plain")->IsLiteral());
  MapData d;
  for (int i = 0; i < 100; ++i) {
    d.labels["a"] = std::to_string(i);
    std::string out;
    REQUIRE(t->Execute(d, &out).ok());
    CHECK(out == std::to_string(i) + "-");
  }
  std::string huge(1 << 20, 'x');
  d.labels["a"] = huge;
  std::string out;
  REQUIRE(t->Execute(d, &out).ok());
  CHECK(out.size() == huge.size() + 1);
}

TEST_CASE("missing fields: empty for Loki, <no value> when the data asks for Go's default") {
  struct NilData : MapData {
    bool MissingIsNil() const override { return true; }
  };
  NilData d;
  d.labels = {{"a", "x"}};
  CHECK(Run("{{.a}}-{{.missing}}", d) == "x-<no value>");
  CHECK(Run("{{ .missing | default \"d\" }}", d) == "d");
  MapData loki;
  CHECK(Run("{{.missing}}", loki).empty());
}

TEST_CASE("Promtail's Hash/Sha2Hash and sprig's maxf/minf") {
  MapData d;
  d.labels = {{"v", std::string(300, 'x')}, {"a", "1.5"}, {"b", "-2"}};
  struct Case { std::string tmpl, want; };
  std::vector<Case> cases = {
      // SHA3-256 over more than one 136-byte block, and of the empty string (FIPS 202 vectors)
      {"{{ Hash \"salt\" .v }}", "0a847daea595664d10d9a9acec9f0fcaac1c8e71386c0e4877030b03fb638063"},
      {"{{ Hash \"\" \"\" }}", "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"},
      {"{{ Sha2Hash \"\" \"abc\" }}", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {"{{ maxf .a .b 1 }}", "1.5"},
      {"{{ minf .a .b }}", "-2"},
  };
  for (const auto& c : cases) {
    INFO(c.tmpl);
    CHECK(Run(c.tmpl, d) == c.want);
  }
}

// Regression (fuzz_ruler_prom_template): a printf width or precision with many digits overflowed int
// while being read (UBSan); both are capped at 10000 as before.
TEST_CASE("printf widths and precisions with many digits are capped, not overflowed") {
  MapData d;
  struct Case { const char* tmpl; size_t size; const char* tail; };
  for (const Case& c : {Case{"{{ printf \"%28000000000d\" 7 }}", 10000, " 7"},
                        Case{"{{ printf \"%-99999999999999s|\" \"a\" }}", 10001, " |"},
                        Case{"{{ printf \"%.99999999999s\" \"abc\" }}", 3, "abc"}}) {
    INFO(c.tmpl);
    std::string out = Run(c.tmpl, d);
    CHECK(out.size() == c.size);
    CHECK(out.ends_with(c.tail));
  }
}
