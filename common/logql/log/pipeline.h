// Pipeline (built once per query, immutable, shared by threads) and StreamPipeline (one per
// stream, reused for every line): line filters that precede any line rewrite run first on the raw
// line with no allocation; the stream's LabelSet is reused while no stage changes labels.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "common/labels.h"
#include "common/logql/log/stage.h"

namespace skald::logql::log {

class StreamPipeline;

class Pipeline {
 public:
  Pipeline() = default;
  // `stages` in query order.
  explicit Pipeline(std::vector<std::shared_ptr<const Stage>> stages);

  // The StreamPipeline shares the stages; it stays valid if this Pipeline is moved or destroyed.
  std::unique_ptr<StreamPipeline> ForStream(const LabelSet& labels) const;
  // True when there are no stages at all (lines and labels pass through unchanged).
  bool IsNoop() const { return s_->filters.empty() && s_->rest.empty(); }
  // True when every stage is a line filter (no labels can change).
  bool OnlyLineFilters() const { return s_->rest.empty(); }

  struct Stages {
    std::vector<std::shared_ptr<const Stage>> filters;  // hoisted raw-line filters
    std::vector<std::shared_ptr<const Stage>> rest;
  };

 private:
  std::shared_ptr<const Stages> s_ = std::make_shared<const Stages>();
};

// Not thread-safe. Views returned by Process stay valid until the next Process call.
class StreamPipeline {
 public:
  StreamPipeline(std::shared_ptr<const Pipeline::Stages> s, LabelSet labels)
      : s_(std::move(s)), base_(std::move(labels)) {}

  // False: the line is filtered out. True: *line / *labels hold the result.
  bool Process(int64_t ts_ns, std::string_view line, const std::vector<Label>* metadata,
               std::string_view* out_line, const LabelSet** out_labels);
  // Same, leaving the result in state() (for the sample extractor, which reads the builder).
  bool Run(int64_t ts_ns, std::string_view line, const std::vector<Label>* metadata);

  LineState& state() { return st_; }
  const LabelSet& BaseLabels() const { return base_; }
  // The labels of the last line processed (base LabelSet when nothing changed).
  const LabelSet& ResultLabels();

 private:
  std::shared_ptr<const Pipeline::Stages> s_;
  LabelSet base_;
  LabelSet built_;
  LineState st_;
};

}  // namespace skald::logql::log
