// Hand-rolled protobuf encoder for logproto.PushRequest (wire-identical to push.proto): the client's
// batches are encoded straight from their arenas with no per-entry message objects.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/labels.h"

namespace skald::client {

struct EncEntry {
  int64_t ts_ns;
  uint32_t off;  // into the stream's arena
  uint32_t len;
  // Encoded structured-metadata records (EntryAdapter field 3) stored in the arena right after
  // the line: arena[off + len, off + len + meta_len).
  uint32_t meta_len = 0;
};

// One stream of a batch: its label text (`{a="b"}`), entries in push order, and their bytes.
struct EncStream {
  std::string labels;
  std::string arena;
  std::vector<EncEntry> entries;
};

// Appends each label as an EntryAdapter.structuredMetadata record (LabelPairAdapter, field 3) to
// `arena`; returns the bytes appended (EncEntry::meta_len).
uint32_t AppendMetadataRecords(const std::vector<Label>& metadata, std::string* arena);

// Appends the serialized PushRequest{streams} to `out` (cleared first).
void EncodePushRequest(const std::vector<const EncStream*>& streams, std::string* out);

}  // namespace skald::client
