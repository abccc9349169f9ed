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
  // One literal: its size, its first 8 bytes as loaded (zero-padded) and a mask of the valid ones.
  struct Literal {
    uint64_t head = 0, head_mask = 0;
    uint32_t size = 0;
  };
  LiteralRegex() = default;
  void IndexLiterals();
  void SetRanges();
  bool FindAlternative(std::string_view text, std::string_view* match) const;
  bool FindClassRun(std::string_view text, std::string_view* match) const;
  bool MatchAt(const char* p, size_t n, size_t pos, std::string_view* match) const;
  bool LiteralAt(uint16_t idx, const char* s, size_t room) const;
  bool Bigram(uint8_t a, uint8_t b) const { return (bigram_[(a << 2) | (b >> 6)] >> (b & 63)) & 1; }
  size_t SkipNonMembers(const uint8_t* p, size_t i, size_t n) const;
  size_t FirstRunStart(const uint8_t* p, size_t n) const;

  enum class Kind : uint8_t { kAlternation, kClassRun };
  Kind kind_ = Kind::kAlternation;
  // kAlternation: literals in listed order. order_[first_begin_[b] .. + first_count_[b]) lists (in
  // listed order) the literals starting with byte b; bigram_ has bit (a, b) when some literal starts
  // with "ab" or is the single byte "a" (so any next byte passes). The vector pre-filter keeps
  // positions whose byte passes filter_[0] and whose next byte passes filter_[1].
  struct ByteFilter {  // bytes within [lo, hi], or (exact) one of the 4 values in `set`
    uint8_t lo = 255, hi = 0;
    bool exact = false;
    std::array<uint8_t, 4> set{};
    void Build(const std::array<bool, 256>& allowed);
  };
  std::vector<std::string> lits_;
  std::vector<Literal> meta_;
  std::vector<uint16_t> order_;
  std::array<uint8_t, 256> first_begin_{}, first_count_{};
  std::array<uint64_t, 1024> bigram_{};
  std::array<ByteFilter, 2> filter_;
  // kClassRun: class_[b] is true for member bytes; runs of [min_, max_] bytes. When the members are
  // at most 4 contiguous ranges [range_lo_[k], range_lo_[k] + range_span_[k]], the scan is vectorized.
  std::array<bool, 256> class_{};
  uint32_t min_ = 1, max_ = 1;
  uint8_t ranges_ = 0;
  std::array<uint8_t, 4> range_lo_{}, range_span_{};
};

}  // namespace skald::pipeline
