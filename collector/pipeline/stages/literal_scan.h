// Matching tables of LiteralRegex (built once at recognition, vector constants and the kernels for
// them included) and the scans over them: scalar, SSE2 and AVX2 (run when the CPU has it).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace skald::pipeline::scan {

// Whether the AVX2 kernels run (the CPU has AVX2 and they are not forced off). ForceBaseline(true)
// makes every scan use the SSE2 (or scalar) kernels, e.g. so tests cover both on an AVX2 machine.
bool Avx2Active();
void ForceBaseline(bool on);

// One vector byte test with its constants splatted to 32 bytes: kOne (== v[0]), kRange
// (in [v[0], v[0] + v[1]]) or kExact (one of v[0..3]). For the AVX2 kernels, when the allowed
// bytes are 2..17 ASCII bytes with distinct low nibbles but at most one, `table` (16 bytes, twice)
// holds each at its low nibble (0xFF elsewhere) and `extra` the one left out: they test exactly
// as table[x & 15] == x (one shuffle), or x == extra (kNibblePlus).
struct ByteTest {
  enum class Kind : uint8_t { kOne, kRange, kExact, kNibble, kNibblePlus };  // kNibble*: AVX2 only
  enum class Nibble : uint8_t { kNone, kTable, kTableAndOne };
  Kind kind = Kind::kRange;
  Nibble nibble = Nibble::kNone;
  std::array<std::array<uint8_t, 32>, 4> v{};
  std::array<uint8_t, 32> table{}, extra{};
  void Build(const std::array<bool, 256>& allowed);
};

struct Alternation;
struct ClassRun;
// A whole scan for one table, resolved by Build() for the table's kinds, once for AVX2 and once for
// the baseline (SSE2 or scalar), so a call dispatches once.
using LiteralKernel = bool (*)(const Alternation&, const char*, size_t, size_t*, uint32_t*);
using RunKernel = bool (*)(const ClassRun&, const uint8_t*, size_t, size_t*, size_t*);

// An alternation of up to 32 literals in listed order (Go's leftmost-first order at a position).
struct Alternation {
  struct Head {  // the first 8 bytes as loaded (zero-padded) and a mask of the valid ones
    uint64_t bytes = 0, mask = 0;
    uint32_t size = 0;
  };
  static constexpr size_t kMaxLiterals = 32;
  static constexpr size_t kChecked = 4;  // leading bytes checked through `allow`
  std::vector<std::string> lits;
  std::vector<Head> heads;
  // Bit i of allow[k][b]: literal i has byte b at offset k, or is at most k bytes long. A position
  // is a candidate for the literals in the AND over k of allow[k][text byte k].
  std::array<std::array<uint32_t, 256>, kChecked> allow{};
  std::array<ByteTest, 2> pair;  // vector pre-filter: first byte, next byte
  bool one_byte = false;         // some literal is one byte long (it can match at the last byte)
  LiteralKernel avx2 = nullptr, base = nullptr;
  void Build();  // everything but `lits` from `lits`; needed before FindLiteral
};

// Sets the kernels of a table (avx2, base) for its byte tests or ranges and counts: the last step of
// Alternation::Build and ClassRun::Build (defined with the kernels; the tables with recognition).
void SelectKernels(Alternation& a);
void SelectKernels(ClassRun& c);

// The leftmost-first match in p[0, n): *pos and the literal's index; false when none.
bool FindLiteral(const Alternation& a, const char* p, size_t n, size_t* pos, uint32_t* idx);

// Runs of [min, max] bytes of one class; `ranges` is the class as at most 4 byte ranges of lo[k],
// lo[k] + span[k] (count 0: more ranges, scalar scans only).
struct ClassRun {
  std::array<bool, 256> member{};
  uint32_t min = 1, max = 1;
  uint8_t count = 0;
  std::array<std::array<uint8_t, 32>, 4> lo{}, span{};
  RunKernel avx2 = nullptr, base = nullptr;
  void Build();  // count, lo, span and kernels from member, min and max; needed before FindRun
};

// Leftmost-first greedy: the first maximal member run at least min long, cut to max.
bool FindRun(const ClassRun& c, const uint8_t* p, size_t n, size_t* start, size_t* len);

}  // namespace skald::pipeline::scan
