// FUZZ_LINK: skald_collector_stages
// libFuzzer target for the regex stage's scan fast path: the first line is a pattern, the rest the
// text. Whenever LiteralRegex recognizes a pattern, RE2 must compile it and Find must equal RE2's
// UNANCHORED group 0 (and every group). Besides the raw pattern, three recognizable patterns are
// derived from its bytes (two alternations of literals, a counted class) so the matcher gets hit often.
// Each Find runs twice: with the run-time kernel choice (AVX2 on an AVX2 CPU) and forced to SSE2.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>

#include "collector/pipeline/stages/literal_regex.h"

namespace {

void Check(const std::string& pattern, std::string_view text) {
  auto lit = skald::pipeline::LiteralRegex::Recognize(pattern);
  if (!lit) return;
  RE2 re(pattern, RE2::Quiet);
  if (!re.ok()) std::abort();  // recognized but not a valid expression
  std::vector<re2::StringPiece> groups(re.NumberOfCapturingGroups() + 1);
  const bool want = re.Match(re2::StringPiece(text.data(), text.size()), 0, text.size(), RE2::UNANCHORED,
                             groups.data(), static_cast<int>(groups.size()));
  for (const bool baseline : {false, true}) {
    skald::pipeline::LiteralRegex::ForceBaselineForTesting(baseline);
    std::string_view got;
    if (lit->Find(text, &got) != want) std::abort();
    if (!want) continue;
    for (const auto& g : groups)
      if (g.data() != got.data() || g.size() != got.size()) std::abort();
  }
  skald::pipeline::LiteralRegex::ForceBaselineForTesting(false);
}

// `(?P<x>(<literals>))` with each pattern byte mapped onto a small alphabet that includes '|'.
std::string DerivedAlternation(std::string_view pat) {
  static constexpr std::string_view kAlpha = "abcAB01 :|";
  std::string lits;
  for (char c : pat.substr(0, 24)) lits += kAlpha[static_cast<uint8_t>(c) % kAlpha.size()];
  return "(?P<x>(" + lits + "))";
}

// Longer literals (about 1..20 bytes, sharing prefixes) over a small alphabet with '"', so the
// 8-byte compares, the bigram filter and the one-, few- and many-value byte filters all get hit.
std::string DerivedLongAlternation(std::string_view pat) {
  static constexpr std::string_view kAlpha = "aab\"E";
  std::string lits;
  for (char c : pat.substr(0, 64)) {
    const auto b = static_cast<uint8_t>(c);
    lits += b % 13 == 0 && !lits.empty() && lits.back() != '|' ? '|' : kAlpha[b % kAlpha.size()];
  }
  if (lits.empty() || lits.back() == '|') lits += 'a';
  return lits;
}

// A class atom and quantifier chosen by the first bytes of the pattern.
std::string DerivedClassRun(std::string_view pat) {
  static const char* kAtoms[] = {"\\d", "\\w", "[a-c]", "[A-Za-z]", "[0-9a-f]", "[_b-d5]", "[acegikmoq]", "[0-9A-F]"};
  auto at = [&](size_t i) { return i < pat.size() ? static_cast<uint8_t>(pat[i]) : 0u; };
  const unsigned n = 1 + at(2) % 40, m = n + at(3) % 5;  // counts on both sides of the vector limits 16, 32
  const std::string counts[] = {"",
                                "+",
                                "{" + std::to_string(n) + "}",
                                "{" + std::to_string(n) + ",}",
                                "{" + std::to_string(n) + "," + std::to_string(m) + "}"};
  return std::string("((") + kAtoms[at(0) % 8] + counts[at(1) % 5] + "))";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const size_t nl = in.find('\n');
  const std::string_view pat = in.substr(0, nl);
  const std::string_view text = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
  Check(std::string(pat), text);
  Check(DerivedAlternation(pat), text);
  Check(DerivedLongAlternation(pat), text);
  Check(DerivedClassRun(pat), text);
  return 0;
}
