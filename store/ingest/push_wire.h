// A direct decoder of Loki's PushRequest protobuf wire format into log entries, for the shape
// every client sends; anything else is left to libprotobuf, so both always agree (fuzzed).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/log_entry.h"

namespace skald::ingest {

// One decoded stream: its label text as sent, and its entries.
using WireStream = std::pair<std::string, std::vector<LogEntry>>;

// Decodes `buf` (uncompressed PushRequest bytes) into `out` and returns true, or returns false
// (out unspecified) when the message is not in the plain shape: an unknown field, a wire type that
// does not match the field, a singular field given twice, `parsed` entries, a string field that is
// not valid UTF-8, or any malformed input. The caller then parses with libprotobuf, whose answer
// (success or a 400) is the reference. On true, `out` equals what libprotobuf's parse yields.
bool DecodePushWire(std::string_view buf, std::vector<WireStream>* out);

// A protobuf Timestamp as unix nanoseconds, saturating at the int64 range.
int64_t TimestampNs(int64_t seconds, int32_t nanos);

}  // namespace skald::ingest
