// LiteralRegex: which expressions are recognized as plain scans, and a differential check of Find
// against RE2 (UNANCHORED, leftmost-first) on seeded random text with both the AVX2 and the SSE2
// kernels, plus the regex stage's fast path.
#include <catch.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <re2/re2.h>

#include "collector/pipeline/stages/literal_regex.h"
#include "stage_test_util.h"

using namespace skald;
using namespace skald::pipeline;
using namespace skald::pipeline::testing;

namespace {

// Recognized shapes: all are valid RE2 and every group wraps the whole expression.
const std::vector<std::string> kAccepted = {
    "(?P<level>(ERROR|WARN|INFO|DEBUG|FATAL|TRACE))",
    "(?P<http_status>\\d{3})",
    "ERROR",
    "(INFO|INFORMATION)",
    "(INFORMATION|INFO)",
    "(ab|a)",
    "(a|ab)",
    "aa|a",
    "aab|ab|b",
    "((((x))))",
    "(?P<a>(?P<b>(WARN|WARNING)))",
    "error: |warn: |level=info",
    "k=v,w;x@y%z&~<>!'\"",
    "\\d",
    "\\d+",
    "\\d{1,3}",
    "\\d{3,}",
    "\\d{2,2}",
    "\\w+",
    "\\w{4}",
    "(?P<hex>[0-9a-f]{4,8})",
    "[A-Za-z]{2,5}",
    "[a-z]+",
    "[A-Z]{3}",
    "[0-9]",
    "[_a-c5]{2}",
    "\\d{1000}",
    // Shared prefixes, one-byte literals beside longer ones, literals of 1..20 bytes.
    "ERR|ERROR",
    "ERROR|ERR",
    "E|ERROR",
    "ERROR|E",
    "a|ab|abc|abcd",
    "abcd|abc|ab|a",
    "abcdefgh|abcdefghi|abcdefghijklmnop|abcdefghijklmnopq",
    "0123456789abcdefghij|0123456789abcdefghiz|0123456",
    "\"log\"|\"stream\"|\"time\"",
    // Literals told apart only by their 3rd, 4th or later byte, or by being shorter; 32 literals.
    "abcd|abce|abd|ab|a",
    "xyz1|xyz2|xyz3|xyz|xy4|xyzzzzzzz9",
    "\"level\"|\"log\"|\"logger\"|\"l\"",
    "a0|a1|a2|a3|a4|a5|a6|a7|a8|a9|b0|b1|b2|b3|b4|b5|b6|b7|b8|b9|c0x|c1x|c2x|c3x|c4x|c5x|c0|c|dd|d1|d|e",
    // Byte filters: one first byte with 2, 4 (scattered) and 5 second bytes; six first bytes.
    "xa|xb",
    "xa|xq|xz|xB",
    "xa|xb|xc|xd|xe",
    "a1|b2|c3|d4|e5|f6",
    // AVX2 byte tables: first bytes sharing one low nibble (4, or 2 of 6 as in the level scan), 17
    // first bytes (one shares a nibble), 17 second bytes (several share one).
    "ab|qb|Ab|Qb",
    "DEBUG|TRACE|Dx|Tx",
    "aX|qY|bZ|c1|d2|e3|f4|g5|h6|i7|j8|k9|l0|mA|nB|oC|pD",
    // Classes of 1..5 ranges, counts around the vector scan's limit of 16.
    "[acegikmoq]{2}",
    "[a-cx-z]{2,3}",
    "[0-9A-F]{4}",
    "\\d{16}",
    "\\d{17}",
    "\\d{16,20}",
    "\\d{32}",
    "\\d{33}",
    "[a-z]{20,40}",
    "[0-9a-fA-F]{31,32}",
    "[a-z]{1}",
    // Four ranges with each count the AVX2 kernels specialize (1..4) and one they do not.
    "[0-3a-cx-zA]",
    "[0-3a-cx-zA]{2}",
    "[0-3a-cx-zA]{3}",
    "[0-3a-cx-zA]{4,6}",
    "[0-3a-cx-zA]{5}",
    "\\w{1,}",
};

const std::vector<std::string> kRejected = {
    "", "(?i)ERROR", "ERR.R", "\\d{3}?", "\\d+?", "[^0-9]{3}", "a|", "|a", "a||b", "(?P<a>x)(?P<b>y)",
    "(a)(b)", "(a)|(b)", "((a)b)", "(a(b))", "(?:a)", "\\d*", "\\d?", "\\d{0}", "\\d{0,3}", "\\d{,3}",
    "\\d{3", "\\d{1001}", "\\d{01}", "\\d{3,2}", "\\d{3}+", "\\d{3}{2}", "\\D{3}", "\\s+", "[a-]", "[]",
    "[]a]", "[z-a]", "[[:digit:]]", "[\\d]", "\\.", "a+", "a{2}", "ERROR$", "^ERROR", "(?P<>a)",
    "(?P<a-b>x)", "()", "(", ")", "\\dx", "[0-9]x", "ab\\d", "(?P<level>ERROR|WARN))", "((ERROR)",
    "(?P=n)", "\xc3\x84RGER", "a\tb", "ERROR|WARN.*", "(?s)a", "\\pL+", "x(y)", "(y)x", "\\x41",
};

// Random text drawn mostly from the pattern's own bytes and fragments (so literals, their prefixes
// and overlaps occur), plus digits, letters, spaces, newlines and non-ASCII bytes (valid UTF-8 and
// stray continuation/lead bytes, NULs).
std::string RandomText(std::mt19937& rng, const std::string& pattern) {
  static const std::string kExtra = "0123456789 aAzZ_-\n";
  std::uniform_int_distribution<int> len(0, 48), pick(0, 10), byte(0, 255), frag(1, 12);
  std::uniform_int_distribution<size_t> at(0, pattern.size() - 1);
  std::string s;
  for (int n = len(rng); static_cast<int>(s.size()) < n;) {
    const int k = pick(rng);
    if (k < 4) {
      s += pattern[at(rng)];
    } else if (k < 6) {
      s += pattern.substr(at(rng), frag(rng));
    } else if (k < 9) {
      s += kExtra[std::uniform_int_distribution<size_t>(0, kExtra.size() - 1)(rng)];
    } else if (k == 9) {
      s += "\xc3\xa9";  // é
    } else {
      s += static_cast<char>(byte(rng));
    }
  }
  return s;
}

// Checks Find against RE2 on `text`: same found/not found, same group 0 span, all groups equal it.
void CheckAgainstRe2(const LiteralRegex& lit, const RE2& re, const std::string& text) {
  std::vector<re2::StringPiece> groups(re.NumberOfCapturingGroups() + 1);
  const bool want = re.Match(text, 0, text.size(), RE2::UNANCHORED, groups.data(), static_cast<int>(groups.size()));
  std::string_view got;
  const bool found = lit.Find(text, &got);
  INFO("pattern " << re.pattern() << " text [" << text << "]");
  REQUIRE(found == want);
  if (!found) return;
  for (const auto& g : groups) {
    REQUIRE(g.data() == got.data());
    REQUIRE(g.size() == got.size());
  }
}

// Runs fn once with the run-time kernel choice (AVX2 on an AVX2 CPU) and once forced to the SSE2
// (baseline) kernels; the choice is restored even when fn fails.
template <class Fn>
void ForBothKernels(Fn&& fn) {
  struct Restore {
    ~Restore() { LiteralRegex::ForceBaselineForTesting(false); }
  } restore;
  for (const bool baseline : {false, true}) {
    LiteralRegex::ForceBaselineForTesting(baseline);
    INFO((LiteralRegex::UsesAvx2() ? "AVX2 kernels" : "baseline kernels"));
    fn();
  }
}

}  // namespace

TEST_CASE("literal regex: kernel choice") {
  LiteralRegex::ForceBaselineForTesting(true);
  CHECK_FALSE(LiteralRegex::UsesAvx2());
  LiteralRegex::ForceBaselineForTesting(false);
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__) && defined(__SSE2__) && !defined(SKALD_NO_SIMD)
  __builtin_cpu_init();
  CHECK(LiteralRegex::UsesAvx2() == static_cast<bool>(__builtin_cpu_supports("avx2")));
#else
  CHECK_FALSE(LiteralRegex::UsesAvx2());
#endif
}

TEST_CASE("literal regex: recognized shapes") {
  for (const auto& expr : kAccepted) {
    INFO("expression " << expr);
    CHECK(LiteralRegex::Recognize(expr).has_value());
    CHECK(RE2(expr, RE2::Quiet).ok());
  }
}

TEST_CASE("literal regex: rejected shapes") {
  for (const auto& expr : kRejected) {
    INFO("expression " << expr);
    CHECK_FALSE(LiteralRegex::Recognize(expr).has_value());
  }
}

TEST_CASE("literal regex: alternation size limits (larger ones stay on RE2)") {
  std::string alts = "w0";
  for (int i = 1; i < 32; ++i) alts += "|w" + std::to_string(i);
  CHECK(LiteralRegex::Recognize(alts));
  CHECK_FALSE(LiteralRegex::Recognize(alts + "|w32"));
  CHECK(LiteralRegex::Recognize(std::string(128, 'x')));
  CHECK_FALSE(LiteralRegex::Recognize(std::string(129, 'x')));
  CHECK_FALSE(LiteralRegex::Recognize("a|" + std::string(129, 'x')));
}

TEST_CASE("literal regex: leftmost-first examples") {
  struct Case {
    std::string expr, text, want;  // want "<none>": no match
  };
  const std::vector<Case> cases = {
      {"(INFO|INFORMATION)", "x INFORMATION", "INFO"},
      {"(INFORMATION|INFO)", "x INFORMATION", "INFORMATION"},
      {"(INFORMATION|INFO)", "x INFORMATIO", "INFO"},
      {"(ab|a)", "cab", "ab"},
      {"(a|ab)", "cab", "a"},
      {"WARN|ERROR", "ERROR then WARN", "ERROR"},
      {"(?P<http_status>\\d{3})", "2026-11-26T10:00:00Z ERROR status 503", "202"},
      {"\\d{3}", "12 345678", "345"},
      {"\\d{2,4}", "1 234567", "2345"},
      {"\\d{3,}", "12 3456789 1", "3456789"},
      {"\\d+", "abc", "<none>"},
      {"[a-f]{3}", "ABCabgabcdef", "abc"},
      {"\\w+", "  foo_bar9-x", "foo_bar9"},
      {"ERROR", "ERRO", "<none>"},
      {"ERROR", "", "<none>"},
  };
  ForBothKernels([&] {
    for (const auto& c : cases) {
      INFO(c.expr << " on [" << c.text << "]");
      auto lit = LiteralRegex::Recognize(c.expr);
      REQUIRE(lit);
      std::string_view got;
      CHECK((lit->Find(c.text, &got) ? std::string(got) : std::string("<none>")) == c.want);
    }
  });
}

TEST_CASE("literal regex: differential against RE2 on random text") {
  ForBothKernels([] {
    std::mt19937 rng(20261127);
    for (const auto& expr : kAccepted) {
      auto lit = LiteralRegex::Recognize(expr);
      REQUIRE(lit);
      RE2 re(expr, RE2::Quiet);
      REQUIRE(re.ok());
      for (int i = 0; i < 3000; ++i) CheckAgainstRe2(*lit, re, RandomText(rng, expr));
      // Runs around the counts (1000 is RE2's largest), after a non-member and at the very start.
      for (char c : {'0', '7', 'a', 'f', 'Z', '_'})
        for (size_t k : {1, 2, 3, 4, 5, 8, 17, 999, 1000, 1001, 2100}) {
          CheckAgainstRe2(*lit, re, std::string(k, c));
          CheckAgainstRe2(*lit, re, "- " + std::string(k, c) + " " + std::string(k + 1, c));
        }
      // Long texts cross the 16-, 32- and 64-byte vector blocks and the tail.
      for (int i = 0; i < 200; ++i) {
        std::string t;
        for (int k = 0; k < 6; ++k) t += RandomText(rng, expr);
        CheckAgainstRe2(*lit, re, t);
      }
    }
  });
}

TEST_CASE("literal regex: matches at every offset, across vector blocks and in the last bytes") {
  // Each literal (or a class run of k members), whole or cut short, after `pad` filler bytes and
  // before `tail` more: the candidate lands in every lane of the 16/32-byte blocks, in the re-read
  // last block and on the text's last 1..7 bytes (pads past 64 reach the AVX2 64-byte steps).
  // Fillers: a byte no pattern uses, and the pattern's own first byte (a candidate everywhere).
  std::vector<size_t> pads;
  for (size_t pad = 0; pad <= 35; ++pad) pads.push_back(pad);
  for (size_t pad = 56; pad <= 134; ++pad) pads.push_back(pad);
  ForBothKernels([&] {
    for (const auto& expr : kAccepted) {
      auto lit = LiteralRegex::Recognize(expr);
      REQUIRE(lit);
      RE2 re(expr, RE2::Quiet);
      std::vector<std::string> pieces;
      if (expr.find_first_of("\\[") != std::string::npos) {  // a class run
        for (char c : {'0', 'a', 'F', '_', 'q'})
          for (size_t k : {1, 2, 3, 4, 15, 16, 17, 18, 21, 31, 32, 33, 41}) pieces.push_back(std::string(k, c));
      } else {
        std::string body = expr;
        while (body.find('(') != std::string::npos) body = body.substr(body.find_last_of('(') + 1);
        body = body.substr(0, body.find(')'));
        for (size_t start = 0, bar; start <= body.size(); start = bar + 1) {
          bar = std::min(body.find('|', start), body.size());
          pieces.push_back(body.substr(start, bar - start));
          pieces.push_back(body.substr(start, bar - start - 1));
        }
      }
      for (const char filler : {'.', pieces[0][0]})
        for (const auto& piece : pieces)
          for (const size_t pad : pads)
            for (size_t tail : {0, 1, 2, 5, 7})
              CheckAgainstRe2(*lit, re, std::string(pad, filler) + piece + std::string(tail, filler));
    }
  });
}

TEST_CASE("json stage: the one-pass key probes force the parse exactly when memmem finds a key") {
  // The seed chain after the liveness pass probes for "log" and "time" (`stream` is dead). Only a
  // parse of valid JSON erases the dead key `stream` (a stream label), so it shows whether the
  // probe scan found a key: it must iff memmem finds `"log"` or `"time"`.
  auto chain = BuildChain(
      "[{json: {expressions: {log: log, stream: stream, time: time}}},"
      " {timestamp: {source: time, format: RFC3339Nano}}, {output: {source: log}}]");
  REQUIRE(chain.ok());
  chain->PropagateLiveness(KeySet{});
  const std::vector<std::string> bodies = {
      R"("log":1)", R"("time":2)", R"("timestamp":3)", R"("times":"x")", R"("a":"log")", R"("a":"time")",
      R"("logger":"x")", R"("lo":"g")", R"("":"log")", R"("a":["","time"])", R"("stream":"stderr")",
      R"("level":"INFO","logger":"com.shop")", R"("a":"tim","e":"lo")", R"("LOG":1,"Time":2)", R"("x":"time")",
  };
  for (const auto& body : bodies)
    for (size_t pad = 0; pad <= 40; ++pad)
      for (const bool body_last : {true, false}) {
        const std::string filler = R"("p":")" + std::string(pad, 'l') + R"(")";
        std::string line = "{";
        line.append(body_last ? filler : body).append(",").append(body_last ? body : filler).append("}");
        const bool found = line.find(R"("log")") != std::string::npos || line.find(R"("time")") != std::string::npos ||
                           line.find('\\') != std::string::npos;
        Entry e = MakeEntry(line, L(R"({job="api", stream="stdout"})"), 42);
        chain->ProcessInPlace(e);
        INFO(line);
        CHECK(Ex(e, "stream") == (found ? "<absent>" : "stdout"));
      }
}

TEST_CASE("regex stage: fast path extracts what RE2 extracts") {
  // Each scan-shaped expression is paired with an equivalent one that is not recognized ((?:...)),
  // so the second runs through RE2; the extracted values must be identical.
  struct Case {
    std::string fast, re2;
  };
  const std::vector<Case> cases = {
      {"(?P<level>(ERROR|WARN|INFO|DEBUG|FATAL|TRACE))", "(?P<level>(?:ERROR|WARN|INFO|DEBUG|FATAL|TRACE))"},
      {"(?P<level>(INFO|INFORMATION))", "(?P<level>(?:INFO|INFORMATION))"},
      {"(?P<level>\\d{3})", "(?P<level>(?:\\d{3}))"},
      {"(?P<level>(?P<inner>[a-z]{2,4}))", "(?P<level>(?P<inner>(?:[a-z]{2,4})))"},
  };
  const std::vector<std::string> lines = {
      "2026-11-26T10:00:00Z ERROR connection refused status 503",
      "INFO  worker started queue=emails concurrency=4",
      "    at com.shop.api.OrderService.place(OrderService.java:118)",
      "INFORMATION only",
      "no match here at all... \xc3\xa9",
      "",
  };
  for (const auto& c : cases) {
    for (const auto& line : lines) {
      INFO(c.fast << " on [" << line << "]");
      REQUIRE(LiteralRegex::Recognize(c.fast));
      REQUIRE_FALSE(LiteralRegex::Recognize(c.re2));
      Entry fast = RunOne("- regex: {expression: '" + c.fast + "'}", line);
      Entry slow = RunOne("- regex: {expression: '" + c.re2 + "'}", line);
      CHECK(Ex(fast, "level") == Ex(slow, "level"));
      CHECK(Ex(fast, "inner") == Ex(slow, "inner"));
    }
  }
  // `source` reads the value from the extracted map, as on the RE2 path.
  Entry e = RunOne("- regex: {expression: '(?P<y>\\d{4})-'}\n- regex: {expression: '(?P<d>\\d{2})', source: y}",
                   "at 2026-11-26");
  CHECK(Ex(e, "d") == "20");
}
