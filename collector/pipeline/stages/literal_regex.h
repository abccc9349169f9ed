// Regexes that are plain scans: whole-expression capture groups around either an alternation of
// plain literals or one ASCII class with a greedy count, matched without RE2 (regex stage fast path).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
  // no match; otherwise *match points into `text`.
  bool Find(std::string_view text, std::string_view* match) const;

 private:
  LiteralRegex() = default;
  bool FindAlternative(std::string_view text, std::string_view* match) const;
  bool FindClassRun(std::string_view text, std::string_view* match) const;
  bool MatchAt(std::string_view text, size_t pos, std::string_view* match) const;
  size_t SkipNonMembers(const uint8_t* p, size_t i, size_t n) const;

  enum class Kind : uint8_t { kAlternation, kClassRun };
  Kind kind_ = Kind::kAlternation;
  // kAlternation: literals in listed order; first_[b] is true when some literal starts with byte b;
  // by_first_[b] lists (in listed order) the literals starting with b. `lo_`/`hi_` bound the first
  // bytes (a vector pre-filter); `single_first_` >= 0 when all literals share one first byte.
  std::vector<std::string> lits_;
  std::array<std::vector<uint16_t>, 256> by_first_;
  std::array<bool, 256> first_{};
  uint8_t lo_ = 255, hi_ = 0;
  int single_first_ = -1;
  // kClassRun: class_[b] is true for member bytes; runs of [min_, max_] bytes. When the members
  // are one contiguous range [class_lo_, class_lo_ + class_span_], `contiguous_` enables a vector skip.
  std::array<bool, 256> class_{};
  uint32_t min_ = 1, max_ = 1;
  bool contiguous_ = false;
  uint8_t class_lo_ = 0, class_span_ = 0;
};

}  // namespace skald::pipeline
