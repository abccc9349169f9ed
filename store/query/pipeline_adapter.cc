// Pipeline and extractor adapters (see pipeline_adapter.h).
#include "store/query/pipeline_adapter.h"

#include <set>

#include "common/logql/log/pipeline_builder.h"

namespace skald::query {
namespace {

// Interns label sets: equal content → one stable pointer for the interner's lifetime.
class Interner {
 public:
  const LabelSet* Get(const LabelSet& ls) {
    if (last_ != nullptr && *last_ == ls) return last_;
    last_ = &*sets_.insert(ls).first;
    return last_;
  }

 private:
  std::set<LabelSet> sets_;
  const LabelSet* last_ = nullptr;
};

class LogStreamPipeline : public StreamPipeline {
 public:
  LogStreamPipeline(const logql::log::Pipeline& p, const LabelSet& stream)
      : stream_(stream), sp_(p.ForStream(stream)) {}

  bool Process(const EntryView& e, PipelineOutput* out) override {
    const LabelSet* ls = nullptr;
    if (!sp_->Process(e.ts_ns, e.line, e.metadata, &out->line, &ls)) return false;
    out->labels = interner_.Get(*ls);
    out->parsed = nullptr;
    if (*out->labels == stream_) return true;
    parsed_.clear();
    for (const auto& l : *out->labels) {
      if (stream_.Has(l.name)) continue;
      bool in_md = false;
      if (e.metadata) {
        for (const auto& m : *e.metadata) in_md = in_md || m.name == l.name;
      }
      if (!in_md) parsed_.push_back(l);
    }
    if (!parsed_.empty()) out->parsed = &parsed_;
    return true;
  }

 private:
  LabelSet stream_;
  std::unique_ptr<logql::log::StreamPipeline> sp_;
  Interner interner_;
  std::vector<Label> parsed_;
};

class LogPipelineFactory : public PipelineFactory {
 public:
  explicit LogPipelineFactory(logql::log::Pipeline p) : p_(std::move(p)) {}
  std::unique_ptr<StreamPipeline> ForStream(const LabelSet& s) const override {
    return std::make_unique<LogStreamPipeline>(p_, s);
  }
  bool IsNoop() const override { return p_.IsNoop(); }

 private:
  logql::log::Pipeline p_;
};

class LogStreamExtractor : public StreamExtractor {
 public:
  LogStreamExtractor(const logql::log::SampleExtractor& e, const LabelSet& s) : se_(e.ForStream(s)) {}
  bool Process(const EntryView& e, SampleOutput* out) override {
    const LabelSet* ls = nullptr;
    if (!se_->Process(e.ts_ns, e.line, e.metadata, &out->value, &ls)) return false;
    out->labels = interner_.Get(*ls);
    return true;
  }

 private:
  std::unique_ptr<logql::log::StreamSampleExtractor> se_;
  Interner interner_;
};

class LogExtractorFactory : public ExtractorFactory {
 public:
  LogExtractorFactory(logql::log::SampleExtractor e, bool noop) : e_(std::move(e)), noop_(noop) {}
  std::unique_ptr<StreamExtractor> ForStream(const LabelSet& s) const override {
    return std::make_unique<LogStreamExtractor>(e_, s);
  }
  bool IsNoop() const override { return noop_; }

 private:
  logql::log::SampleExtractor e_;
  bool noop_;
};

}  // namespace

Result<std::shared_ptr<const PipelineFactory>> MakePipeline(const logql::LogSelectorExpr& e) {
  if (e.stages.empty()) return std::shared_ptr<const PipelineFactory>(IdentityPipelineFactory());
  auto p = logql::log::BuildPipeline(e);
  if (!p.ok()) return p.status();
  return std::shared_ptr<const PipelineFactory>(std::make_shared<LogPipelineFactory>(std::move(*p)));
}

Result<std::shared_ptr<const ExtractorFactory>> MakeExtractor(const logql::RangeAggregationExpr& e) {
  const bool plain = e.range.selector.stages.empty() && !e.range.unwrap;
  const bool bytes = e.op == logql::RangeOp::kBytesOverTime || e.op == logql::RangeOp::kBytesRate;
  if (plain) {
    return std::shared_ptr<const ExtractorFactory>(
        IdentityExtractorFactory(bytes ? SampleKind::kBytes : SampleKind::kCount));
  }
  auto x = logql::log::BuildSampleExtractor(e);
  if (!x.ok()) return x.status();
  return std::shared_ptr<const ExtractorFactory>(std::make_shared<LogExtractorFactory>(std::move(*x), false));
}

}  // namespace skald::query
