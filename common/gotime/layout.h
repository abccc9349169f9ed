// Internal: splits a Go time layout into literal text and standard chunks (Go's nextStdChunk), the
// one tokenizer shared by the parser and the formatter.
#pragma once

#include <string_view>

namespace skald::gotime::internal {

enum class Std {
  kNone, kLongMonth, kMonth, kNumMonth, kZeroMonth, kLongWeekDay, kWeekDay, kDay, kUnderDay,
  kZeroDay, kUnderYearDay, kZeroYearDay, kHour, kHour12, kZeroHour12, kMinute, kZeroMinute,
  kSecond, kZeroSecond, kLongYear, kYear, kPM, kpm, kTZ, kISO8601TZ, kISO8601SecondsTZ,
  kISO8601ShortTZ, kISO8601ColonTZ, kISO8601ColonSecondsTZ, kNumTZ, kNumSecondsTz, kNumShortTZ,
  kNumColonTZ, kNumColonSecondsTZ, kFracSecond0, kFracSecond9,
};

struct Chunk {
  std::string_view prefix;  // literal text before the std chunk
  Std std = Std::kNone;     // kNone: no more chunks (prefix is the tail)
  std::string_view suffix;  // layout after the chunk
  int frac_digits = 0;      // for kFracSecond0/9
  char frac_sep = '.';
};

Chunk NextChunk(std::string_view layout);

}  // namespace skald::gotime::internal
