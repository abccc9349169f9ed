// Unicode behaviour of the template string functions against Go's strings/unicode/utf8 results
// (ToUpper "zoë" → "ZOË", title on non-ASCII words, rune cutsets, U+FFFD for invalid UTF-8).
#include <catch.hpp>

#include <string>
#include <vector>

#include "common/gotemplate/template.h"
#include "common/gotemplate/unicode_case.h"

using namespace skald::gotemplate;

namespace {

struct OneLabel : TemplateData {
  std::string v;
  std::optional<std::string_view> Label(std::string_view n) const override {
    if (n == "v") return std::string_view(v);
    return std::nullopt;
  }
  std::string_view Line() const override { return v; }
  int64_t TimestampNs() const override { return 0; }
};

std::string Render(const std::string& tmpl, const std::string& value) {
  auto t = Template::Parse(tmpl);
  REQUIRE(t.ok());
  OneLabel d;
  d.v = value;
  std::string out;
  auto st = t->Execute(d, &out);
  INFO(st.message());
  REQUIRE(st.ok());
  return out;
}

const std::string kFFFD = "\xEF\xBF\xBD";

}  // namespace

TEST_CASE("utf8 decoding follows Go's error rules") {
  struct Case { std::string in; std::vector<char32_t> runes; };
  std::vector<Case> cases = {
      {"a", {'a'}},
      {"\xC3\xA9", {0xE9}},
      {"\xE2\x82\xAC", {0x20AC}},
      {"\xF0\x90\x90\x80", {0x10400}},
      {"\xFF", {kRuneError}},
      {"\xC0\x80", {kRuneError, kRuneError}},              // overlong
      {"\xED\xA0\x80", {kRuneError, kRuneError, kRuneError}},  // surrogate
      {"\xE2\x82", {kRuneError, kRuneError}},              // truncated
      {"\xF4\x90\x80\x80", {kRuneError, kRuneError, kRuneError, kRuneError}},  // > U+10FFFF
      {"\xEF\xBF\xBD", {kRuneError}},                      // a real U+FFFD is 3 bytes wide
  };
  for (const auto& c : cases) {
    INFO(c.in);
    std::vector<char32_t> got;
    for (size_t i = 0; i < c.in.size();) {
      DecodedRune d = DecodeRune(c.in, i);
      got.push_back(d.rune);
      i += d.width;
    }
    CHECK(got == c.runes);
  }
  CHECK(DecodeRune("", 0).width == 0);
  CHECK(DecodeLastRune("a\xC3\xA9").rune == 0xE9);
  CHECK(DecodeLastRune("a\xC3\xA9").width == 2);
  CHECK(DecodeLastRune("\xC3\xA9\xA9").width == 1);
  CHECK(DecodeLastRune("\xC3").rune == kRuneError);
  CHECK(ContainsRuneError("ok \xEF\xBF\xBD"));
  CHECK(ContainsRuneError("bad \xC3"));
  CHECK_FALSE(ContainsRuneError("caf\xC3\xA9"));
}

TEST_CASE("every scalar value survives encode then decode") {
  for (char32_t r = 0; r <= 0x10FFFF; ++r) {
    if (r >= 0xD800 && r <= 0xDFFF) continue;
    std::string s;
    AppendRune(r, &s);
    DecodedRune d = DecodeRune(s, 0);
    if (d.rune != r || d.width != s.size()) FAIL("rune " << static_cast<uint32_t>(r));
  }
  std::string s;
  AppendRune(0xD800, &s);
  CHECK(s == kFFFD);
}

TEST_CASE("simple case mapping matches Go's unicode package") {
  struct Case { char32_t r, upper, lower, title; };
  std::vector<Case> cases = {
      {'a', 'A', 'a', 'A'},       {0xEB, 0xCB, 0xEB, 0xCB},     // ë
      {0xFF, 0x178, 0xFF, 0x178},  {0xDF, 0xDF, 0xDF, 0xDF},     // ÿ, ß (no simple upper)
      {0x130, 0x130, 'i', 0x130},  {0x131, 'I', 0x131, 'I'},     // İ, ı
      {0x17F, 'S', 0x17F, 'S'},    {0x212A, 0x212A, 'k', 0x212A},  // ſ, Kelvin sign
      {0x1C4, 0x1C4, 0x1C6, 0x1C5}, {0x1C5, 0x1C4, 0x1C6, 0x1C5}, {0x1C6, 0x1C4, 0x1C6, 0x1C5},  // Ǆ ǅ ǆ
      {0x101, 0x100, 0x101, 0x100}, {0x100, 0x100, 0x101, 0x100},  // alternating Ā ā
      {0x3C2, 0x3A3, 0x3C2, 0x3A3}, {0x3A3, 0x3A3, 0x3C3, 0x3A3},  // ς, Σ
      {0x10428, 0x10400, 0x10428, 0x10400},                         // Deseret
      {0x1E921, 0x1E921, 0x1E943, 0x1E921},                         // Adlam
      {0x4E2D, 0x4E2D, 0x4E2D, 0x4E2D}, {'1', '1', '1', '1'},
  };
  for (const auto& c : cases) {
    INFO(std::hex << static_cast<uint32_t>(c.r));
    CHECK(ToUpperRune(c.r) == c.upper);
    CHECK(ToLowerRune(c.r) == c.lower);
    CHECK(ToTitleRune(c.r) == c.title);
  }
}

TEST_CASE("strings.ToUpper, ToLower and Title on non-ASCII and invalid text") {
  CHECK(ToUpper("zoë") == "ZOË");
  CHECK(ToLower("ZOË") == "zoë");
  CHECK(ToUpper("straße") == "STRAßE");
  CHECK(ToLower("İSTANBUL") == "istanbul");
  CHECK(ToUpper("a\xFF" "b") == "A" + kFFFD + "B");  // rebuilt rune by rune, as strings.Map
  CHECK(ToLower("\xC3\xA9\xC3") == "\xC3\xA9" + kFFFD);
  CHECK(ToUpper("plain ascii \xFF") == "PLAIN ASCII " + kFFFD);
  CHECK(ToUpper("") == "");
  CHECK(Title("hello wörld") == "Hello Wörld");
  CHECK(Title("ñandú über") == "Ñandú Über");
  CHECK(Title("a\xC2\xA0" "b") == "A\xC2\xA0" "B");  // U+00A0 separates words
  CHECK(Title("x\xE2\x82\xAC" "y") == "X\xE2\x82\xAC" "y");  // € joins them
  CHECK(Title("ǆemal o'neil") == "ǅemal O'Neil");
  CHECK(Title("élan_vital 3d") == "Élan_vital 3d");
}

TEST_CASE("template string functions are Unicode-aware") {
  CHECK(Render("{{ .v | ToUpper }}", "zoë") == "ZOË");
  CHECK(Render("{{ upper .v }}", "zoë") == "ZOË");
  CHECK(Render("{{ .v | ToLower }}", "ÀÉÎ") == "àéî");
  CHECK(Render("{{ lower .v }}", "ΣΑΣ") == "σασ");
  CHECK(Render("{{ title .v }}", "élan vital") == "Élan Vital");
  CHECK(Render("{{ TrimSpace .v }}", "\xC2\xA0 x \xE3\x80\x80") == "x");
  CHECK(Render("{{ trim .v }}", "\xE2\x80\x83y\xC2\x85") == "y");
  CHECK(Render("{{ Trim .v \"é\" }}", "éèé") == "è");
  CHECK(Render("{{ Trim .v \"é\" }}", "è") == "è");  // the cutset is runes, not bytes
  CHECK(Render("{{ TrimLeft .v \"éa\" }}", "aéb") == "b");
  CHECK(Render("{{ TrimRight .v \"ü\" }}", "xüü") == "x");
  CHECK(Render("{{ trimAll \"ö\" .v }}", "öxö") == "x");
  CHECK(Render("{{ alignLeft 2 .v }}", "a\xFF" "bc") == "a" + kFFFD);
  CHECK(Render("{{ alignLeft -1 .v }}", "abc") == "abc");
  CHECK(Render("{{ alignRight 2 .v }}", "xyzé") == "zé");
  CHECK(Render("{{ Replace .v \"\" \"-\" -1 }}", "é\xFF") == "-é-\xFF-");
  CHECK(Render("{{ toUpper .v }}", "zoë") == "ZOË");  // the ruler's Prometheus function
}
