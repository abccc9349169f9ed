// SampleExtractor: the seam between the per-line pipeline and metric queries. After the pipeline a
// line yields 1 (count), its byte length (bytes), or an unwrapped label converted to a number
// (plain, duration()/duration_seconds() → seconds, bytes() → bytes); conversion failures set
// __error__=SampleExtractionErr. Post-unwrap label filters and by/without grouping apply here.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/logql/ast.h"
#include "common/logql/log/label_filter.h"
#include "common/logql/log/pipeline.h"

namespace skald::logql::log {

struct SampleExtractorConfig {
  enum class Kind { kCount, kBytes, kUnwrap };
  Kind kind = Kind::kCount;
  std::string label;                     // kUnwrap
  Unwrap::Conv conv = Unwrap::Conv::kNone;
  std::vector<std::shared_ptr<const LabelFilterExpr>> post_filters;
  std::optional<Grouping> grouping;      // applied to each sample's labels when set
};

class StreamSampleExtractor;

class SampleExtractor {
 public:
  SampleExtractor(Pipeline pipeline, SampleExtractorConfig cfg)
      : pipeline_(std::make_shared<Pipeline>(std::move(pipeline))), cfg_(std::move(cfg)) {}
  std::unique_ptr<StreamSampleExtractor> ForStream(const LabelSet& labels) const;
  const SampleExtractorConfig& config() const { return cfg_; }

 private:
  friend class StreamSampleExtractor;
  std::shared_ptr<Pipeline> pipeline_;
  SampleExtractorConfig cfg_;
};

// Not thread-safe; one per stream.
class StreamSampleExtractor {
 public:
  // Keeps `e` by reference: the SampleExtractor must outlive its stream extractors.
  StreamSampleExtractor(const SampleExtractor& e, const LabelSet& labels)
      : e_(e), sp_(std::move(*e.pipeline_->ForStream(labels))) {}
  // False: no sample for this line. *labels valid until the next call.
  bool Process(int64_t ts_ns, std::string_view line, const std::vector<Label>* metadata,
               double* value, const LabelSet** labels);

 private:
  bool Convert(std::string_view v, double* out, std::string* err) const;
  const SampleExtractor& e_;
  StreamPipeline sp_;
  LabelSet out_;
};

}  // namespace skald::logql::log
