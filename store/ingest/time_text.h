// Go-compatible time text for push messages: RFC3339 (Loki's validation messages), Go's
// time.Time.String() (per-entry ingester messages) and RFC3339Nano parsing (legacy JSON `ts`).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace skald::ingest {

// `2006-01-02T15:04:05Z` in UTC, seconds truncated toward the past.
std::string FormatRFC3339(int64_t unix_ns);
// Go's time.Time.String() in UTC: `2006-01-02 15:04:05.999999999 +0000 UTC` (fraction trimmed).
std::string FormatGoTime(int64_t unix_ns);
// RFC3339 with optional fraction and `Z` or `±hh:mm` offset, as Go's time.RFC3339Nano parse.
Result<int64_t> ParseRFC3339Nano(std::string_view text);

}  // namespace skald::ingest
