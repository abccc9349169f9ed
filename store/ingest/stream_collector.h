// StreamCollector: gathers decoded streams, parsing each label text once and merging streams whose
// label sets are identical, so one request holds each stream at most once.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "store/ingest/push_decoder.h"

namespace skald::ingest {

class StreamCollector {
 public:
  // Parses `labels_text`; on failure returns 400 `couldn't parse labels: <detail>`. A duplicated
  // label name is not an error here: the stream is kept apart for the validator to reject.
  Status Add(std::string labels_text, std::vector<LogEntry>&& entries);
  // Same, for labels already parsed (JSON objects); `labels_text` is only used in messages.
  void AddParsed(std::string labels_text, LabelSet labels, std::vector<LogEntry>&& entries);

  std::vector<RawStream> Take() { return std::move(streams_); }

 private:
  size_t Merge(std::string labels_text, LabelSet labels, std::vector<LogEntry>&& entries);

  std::vector<RawStream> streams_;
  std::unordered_map<std::string, size_t> by_text_;       // labels text → index (fast path)
  std::unordered_multimap<uint64_t, size_t> by_fp_;       // fingerprint → index
};

}  // namespace skald::ingest
