// Decodes Loki push request bodies (protobuf in raw snappy, JSON, legacy JSON; gzip/deflate
// Content-Encoding) into raw streams: labels as sent plus entries, before any validation.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/log_entry.h"
#include "common/status.h"

namespace skald::ingest {

// One stream as it came off the wire. Identical label sets within one request are merged (Fluent
// Bit sends one stream object per record).
struct RawStream {
  std::string labels_text;      // as sent (protobuf, legacy) or `{a="b", c="d"}` built from JSON
  LabelSet labels;              // parsed; empty when duplicate_label is set
  std::string duplicate_label;  // set when the text names this label twice (validator rejects it)
  std::vector<LogEntry> entries;
};

struct PushBodyInfo {
  std::string content_type;       // e.g. "application/json; charset=utf-8"; other → protobuf
  std::string content_encoding;   // "", "snappy", "gzip", "deflate"; others are rejected
  bool legacy = false;            // /api/prom/push: JSON uses the `labels` + `entries` shape
  int64_t max_decoded_bytes = 100LL << 20;  // limit after decompression (413 above it)
};

// Errors: InvalidArgument (HTTP 400) with Loki's text for bad input, kTooLarge (413) when the
// decoded body exceeds info.max_decoded_bytes.
Result<std::vector<RawStream>> DecodePushBody(std::string_view body, const PushBodyInfo& info);

// Pieces, exposed for tests and fuzzers.
Result<std::string> DecodeContentEncoding(std::string_view body, std::string_view encoding,
                                          int64_t max_bytes);
Result<std::vector<RawStream>> DecodeProtobufPush(std::string_view snappy_body, int64_t max_bytes);
Result<std::vector<RawStream>> DecodeJsonPush(std::string_view json, bool legacy);
// True when the media type of a Content-Type header value is application/json.
bool IsJsonContentType(std::string_view content_type);

}  // namespace skald::ingest
