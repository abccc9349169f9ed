// UTF-8 repair for tailed lines: invalid byte sequences become U+FFFD instead of dropping the line,
// as Promtail does when Loki would reject invalid UTF-8.
#pragma once

#include <string>
#include <string_view>

namespace skald::tail {

// True when `s` is valid UTF-8 (SIMD fast path).
bool IsValidUtf8(std::string_view s);

// Returns `s` with every maximal invalid subsequence replaced by U+FFFD (EF BF BD).
std::string ReplaceInvalidUtf8(std::string_view s);

}  // namespace skald::tail
