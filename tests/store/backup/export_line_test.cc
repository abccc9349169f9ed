// Export line codec and LZ4 framing: lines round-trip through encode/parse (escapes, unicode,
// metadata), malformed lines are rejected, and LZ4 frames decode from any split of the bytes.
#include <catch.hpp>

#include "store/backup/export_line.h"
#include "store/backup/lz4_stream.h"

using namespace skald;
using namespace skald::backup;

TEST_CASE("export line: encode then parse gives the entry back", "[backup][export]") {
  struct Case {
    const char* name;
    std::string labels, line;
    int64_t ts;
    std::vector<Label> metadata;
  };
  std::vector<Case> cases = {
      {"plain", R"({app="api"})", "GET / 200", 1700000000123456789, {}},
      {"quotes and backslashes", R"({app="a\"b"})", R"(say "hi" \ bye)", 1, {}},
      {"control bytes", R"({a="b"})", std::string("tab\tnl\ncr\rnul\0bel\a", 18), -5, {}},
      {"unicode", R"({a="é"})", "ünïcødé ✓ 日本", 42, {}},
      {"empty line", R"({a="b"})", "", 0, {}},
      {"metadata", R"({a="b"})", "x", 7, {{"trace_id", "abc"}, {"user", "ü \"q\""}}},
  };
  ExportLineParser parser;
  for (const auto& c : cases) {
    INFO(c.name);
    std::string out;
    AppendExportLine(c.labels, c.ts, c.line, &c.metadata, nullptr, &out);
    REQUIRE(out.back() == '\n');
    REQUIRE(out.find('\n') == out.size() - 1);   // exactly one line
    ExportEntry e;
    REQUIRE(parser.Parse(std::string_view(out).substr(0, out.size() - 1), &e).ok());
    CHECK(e.labels == c.labels);
    CHECK(e.ts_ns == c.ts);
    CHECK(e.line == c.line);
    CHECK(e.metadata == c.metadata);
  }
}

TEST_CASE("export line: invalid UTF-8 becomes U+FFFD, parsed labels are kept apart", "[backup][export]") {
  std::string out;
  std::vector<Label> parsed{{"status", "500"}};
  AppendExportLine(R"({a="b"})", 1, "bad \xff byte", nullptr, &parsed, &out);
  ExportLineParser parser;
  ExportEntry e;
  REQUIRE(parser.Parse(std::string_view(out).substr(0, out.size() - 1), &e).ok());
  CHECK(e.line == "bad \xEF\xBF\xBD byte");
  CHECK(e.parsed == parsed);
  CHECK(e.metadata.empty());
}

TEST_CASE("export line: malformed lines and server errors are rejected", "[backup][export]") {
  struct Case {
    const char* json;
    Code code;
  };
  std::vector<Case> cases = {
      {"not json", Code::kInvalidArgument},
      {"[1,2]", Code::kInvalidArgument},
      {R"({"labels":"{a=\"b\"}","line":"x"})", Code::kInvalidArgument},               // no ts
      {R"({"labels":"{a=\"b\"}","ts":"12x","line":"x"})", Code::kInvalidArgument},
      {R"({"labels":"{a=\"b\"}","ts":12,"line":"x"})", Code::kInvalidArgument},       // ts not a string
      {R"({"labels":"{a=\"b\"}","ts":"1","line":"x","metadata":{"k":1}})", Code::kInvalidArgument},
      {R"({"error":"disk on fire"})", Code::kInternal},
  };
  ExportLineParser parser;
  for (const auto& c : cases) {
    INFO(c.json);
    ExportEntry e;
    Status st = parser.Parse(c.json, &e);
    CHECK(st.code() == c.code);
  }
}

TEST_CASE("lz4 frames: streamed in pieces, decoded from any split", "[backup][export]") {
  std::string plain;
  for (int i = 0; i < 20000; i++) plain += "line " + std::to_string(i % 97) + " of the export\n";
  Lz4FrameWriter w;
  std::string framed;
  for (size_t at = 0; at < plain.size(); at += 7000) REQUIRE(w.Write(plain.substr(at, 7000), &framed).ok());
  REQUIRE(w.Finish(&framed).ok());
  CHECK(framed.size() < plain.size() / 4);
  for (size_t split : {size_t(1), size_t(3), size_t(4096), framed.size()}) {
    INFO("split " << split);
    Lz4FrameReader r;
    std::string back;
    for (size_t at = 0; at < framed.size(); at += split) REQUIRE(r.Write(framed.substr(at, split), &back).ok());
    CHECK(r.done());
    CHECK(back == plain);
  }
  Lz4FrameReader cut;
  std::string partial;
  REQUIRE(cut.Write(framed.substr(0, framed.size() / 2), &partial).ok());
  CHECK_FALSE(cut.done());
  Lz4FrameReader junk;
  CHECK_FALSE(junk.Write("definitely not lz4", &partial).ok());
}
