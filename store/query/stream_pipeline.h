// The seam between the engines and per-line processing: a factory builds one pipeline per stream
// (log queries) or one sample extractor per stream (metric queries). Adapters over common/logql/log
// implement it; tests and pipeline-less selectors use the identity versions here.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/labels.h"
#include "store/head/store_reader.h"

namespace skald::query {

// Output of one processed entry. `labels` and `parsed` are interned by the pipeline: they stay
// valid (and pointer-equal for equal sets) for the pipeline's lifetime; `line` until the next call.
struct PipelineOutput {
  std::string_view line;
  const LabelSet* labels = nullptr;           // stream labels + metadata + parsed, after the pipeline
  const std::vector<Label>* parsed = nullptr;  // labels added by parsers/formatters (may be null)
};

// Per-stream pipeline; not thread-safe (one per stream per thread).
class StreamPipeline {
 public:
  virtual ~StreamPipeline() = default;
  // False if the entry is filtered out.
  virtual bool Process(const EntryView& e, PipelineOutput* out) = 0;
};

class PipelineFactory {
 public:
  virtual ~PipelineFactory() = default;
  // Thread-safe: may be called concurrently for different streams.
  virtual std::unique_ptr<StreamPipeline> ForStream(const LabelSet& stream) const = 0;
  // True if every line passes unchanged with the stream's labels (no stages at all).
  virtual bool IsNoop() const = 0;
};

struct SampleOutput {
  double value = 0;
  const LabelSet* labels = nullptr;  // interned as in PipelineOutput
};

class StreamExtractor {
 public:
  virtual ~StreamExtractor() = default;
  virtual bool Process(const EntryView& e, SampleOutput* out) = 0;
};

class ExtractorFactory {
 public:
  virtual ~ExtractorFactory() = default;
  virtual std::unique_ptr<StreamExtractor> ForStream(const LabelSet& stream) const = 0;
  // True if samples are 1 (count) or line length (bytes) of every raw line with the stream's
  // labels: then chunk summaries may answer instead of decoding.
  virtual bool IsNoop() const = 0;
};

// Identity pipeline: every line passes with the stream's labels plus its structured metadata.
std::unique_ptr<PipelineFactory> IdentityPipelineFactory();

enum class SampleKind { kCount, kBytes };
// Count (1 per line) or bytes (line length) of every line, labels as IdentityPipelineFactory.
std::unique_ptr<ExtractorFactory> IdentityExtractorFactory(SampleKind kind);

}  // namespace skald::query
