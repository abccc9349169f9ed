// A client batch in wire-ready form (PushBatch: one arena for every line, each entry tagged with
// its stream) and its hand-rolled protobuf encoder for logproto.PushRequest (wire-identical to
// push.proto): no per-entry message objects and no per-stream buffers on the hot path.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/hash_cache.h"
#include "common/labels.h"

namespace skald::client {

// Appends each label as an EntryAdapter.structuredMetadata record (LabelPairAdapter, field 3) to
// `arena`; returns the bytes appended.
uint32_t AppendMetadataRecords(const std::vector<Label>& metadata, std::string* arena);

// Entries and streams of one push request. Streams are encoded in first-appended order.
class PushBatch {
 public:
  // Index of the stream with label text `*labels` (`{a="b"}`), created on first use (the batch then
  // shares the text, no copy). `hash` is any hash of the text (computed once per stream key by the
  // caller); collisions are resolved here.
  uint32_t StreamFor(uint64_t hash, const std::shared_ptr<const std::string>& labels);
  // Sizes the line arena up front (a batch's size is known: batchsize), so it is never regrown.
  void Reserve(size_t arena_bytes) { arena_.reserve(arena_bytes); }
  // Appends one entry (and its structured metadata, null or empty = none) to stream `s`.
  void Append(uint32_t s, int64_t ts_ns, std::string_view line, const std::vector<Label>* metadata);

  size_t streams() const { return streams_.size(); }
  size_t entries() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

  // Writes the serialized PushRequest{streams} to `out` (replacing its contents).
  void Encode(std::string* out) const;

 private:
  struct Entry {
    int64_t ts_ns;
    uint64_t off;       // into arena_: the line, then meta_len bytes of encoded metadata records
    uint32_t len;
    uint32_t meta_len;
    uint32_t stream;    // index into streams_
  };
  struct Stream {
    std::shared_ptr<const std::string> labels;
  };

  std::string arena_;
  std::vector<Entry> entries_;
  std::vector<Stream> streams_;
  HashCache<uint32_t> index_;  // hash (probed on collision) → streams_ index
};

}  // namespace skald::client
