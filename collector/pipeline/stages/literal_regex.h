// Regexes that are plain scans: whole-expression capture groups around either an alternation of
// plain literals or one ASCII class with a greedy count, matched without RE2 (regex stage fast path).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "collector/pipeline/stages/literal_scan.h"

namespace skald::pipeline {

// Recognize() accepts, conservatively, only shapes whose RE2 (Go) leftmost-first match is a scan:
//   ( (?P<name> | ( )*  L1|L2|...|Ln  )*        plain literals: ASCII letters, digits, space, _-:/=,;@%&~<>!'"
//                                               (n <= 32, each 1..128 bytes)
//   ( (?P<name> | ( )*  ATOM QUANT      )*      ATOM: \d \w [ranges of letters/digits, _]
//                                               QUANT: none, +, {n}, {n,}, {n,m} (1 <= n <= m <= 1000)
// where every group wraps the whole remaining expression, so each group's value equals group 0.
// Anything else (flags, escapes, lazy or possessive suffixes, negated classes...) yields nullopt.
// Immutable after construction; Find() is safe to call from many threads.
class LiteralRegex {
 public:
  static std::optional<LiteralRegex> Recognize(std::string_view expr);

  // RE2::Match(text, UNANCHORED) group 0 under Go's leftmost-first semantics: false when there is
  // no match; otherwise *match points into `text`. Inline, so a per-line call goes straight to the scan.
  bool Find(std::string_view text, std::string_view* match) const {
    size_t pos = 0, len = 0;
    if (kind_ == Kind::kClassRun) {
      if (!scan::FindRun(run_, reinterpret_cast<const uint8_t*>(text.data()), text.size(), &pos, &len)) return false;
    } else {
      uint32_t idx = 0;
      if (!scan::FindLiteral(alt_, text.data(), text.size(), &pos, &idx)) return false;
      len = alt_.heads[idx].size;
    }
    *match = std::string_view(text.data() + pos, len);
    return true;
  }

  // Tests only: true makes every Find use the SSE2 (or scalar) kernels even on an AVX2 CPU, so
  // both are checked against RE2 on one machine; false restores the run-time choice.
  static void ForceBaselineForTesting(bool on);
  static bool UsesAvx2();  // whether Find currently runs the AVX2 kernels

 private:
  LiteralRegex() = default;
  enum class Kind : uint8_t { kAlternation, kClassRun };
  Kind kind_ = Kind::kAlternation;
  scan::Alternation alt_;  // kAlternation: the literals and their tables
  scan::ClassRun run_;     // kClassRun: the class, its counts and ranges
};

}  // namespace skald::pipeline
