// Identity pipeline and extractors (see stream_pipeline.h).
#include "store/query/stream_pipeline.h"

#include <map>

namespace skald::query {
namespace {

// Interns stream labels + structured metadata: entries without metadata share the stream's set.
class MetadataInterner {
 public:
  explicit MetadataInterner(const LabelSet& stream) : stream_(stream) {}
  const LabelSet* Labels(const std::vector<Label>* md) {
    if (md == nullptr || md->empty()) return &stream_;
    auto it = cache_.find(*md);
    if (it != cache_.end()) return &it->second;
    std::vector<Label> all = stream_.labels();
    for (const auto& l : *md) {
      if (!stream_.Has(l.name)) all.push_back(l);
    }
    return &cache_.emplace(*md, LabelSet(std::move(all))).first->second;
  }

 private:
  LabelSet stream_;
  std::map<std::vector<Label>, LabelSet> cache_;
};

class IdentityPipeline : public StreamPipeline {
 public:
  explicit IdentityPipeline(const LabelSet& s) : interner_(s) {}
  bool Process(const EntryView& e, PipelineOutput* out) override {
    out->line = e.line;
    out->labels = interner_.Labels(e.metadata);
    out->parsed = nullptr;
    return true;
  }

 private:
  MetadataInterner interner_;
};

class IdentityFactory : public PipelineFactory {
 public:
  std::unique_ptr<StreamPipeline> ForStream(const LabelSet& s) const override {
    return std::make_unique<IdentityPipeline>(s);
  }
  bool IsNoop() const override { return true; }
};

class IdentityExtractor : public StreamExtractor {
 public:
  IdentityExtractor(const LabelSet& s, SampleKind k) : interner_(s), kind_(k) {}
  bool Process(const EntryView& e, SampleOutput* out) override {
    out->value = kind_ == SampleKind::kCount ? 1.0 : static_cast<double>(e.line.size());
    out->labels = interner_.Labels(e.metadata);
    return true;
  }

 private:
  MetadataInterner interner_;
  SampleKind kind_;
};

class IdentityExtractorFactoryImpl : public ExtractorFactory {
 public:
  explicit IdentityExtractorFactoryImpl(SampleKind k) : kind_(k) {}
  std::unique_ptr<StreamExtractor> ForStream(const LabelSet& s) const override {
    return std::make_unique<IdentityExtractor>(s, kind_);
  }
  bool IsNoop() const override { return true; }

 private:
  SampleKind kind_;
};

}  // namespace

std::unique_ptr<PipelineFactory> IdentityPipelineFactory() {
  return std::make_unique<IdentityFactory>();
}

std::unique_ptr<ExtractorFactory> IdentityExtractorFactory(SampleKind kind) {
  return std::make_unique<IdentityExtractorFactoryImpl>(kind);
}

}  // namespace skald::query
