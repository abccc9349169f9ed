// Pipeline stage ordering and the per-stream hot loop.
#include "common/logql/log/pipeline.h"

#include "common/logql/log/formatters.h"
#include "common/logql/log/json_parser.h"

namespace skald::logql::log {

namespace {
// Stages after which a line filter no longer sees the raw line, or whose outcome depends on order.
bool BlocksHoisting(const Stage& s) {
  return dynamic_cast<const LineFormat*>(&s) != nullptr || dynamic_cast<const Decolorize*>(&s) != nullptr ||
         dynamic_cast<const UnpackParser*>(&s) != nullptr || dynamic_cast<const Distinct*>(&s) != nullptr;
}
}  // namespace

Pipeline::Pipeline(std::vector<std::shared_ptr<const Stage>> stages) {
  auto st = std::make_shared<Stages>();
  bool hoist = true;
  for (auto& s : stages) {
    if (hoist && s->IsLineFilter()) {
      st->filters.push_back(std::move(s));
      continue;
    }
    if (BlocksHoisting(*s)) hoist = false;
    st->rest.push_back(std::move(s));
  }
  s_ = std::move(st);
}

std::unique_ptr<StreamPipeline> Pipeline::ForStream(const LabelSet& labels) const {
  return std::make_unique<StreamPipeline>(s_, labels);
}

bool StreamPipeline::Run(int64_t ts_ns, std::string_view line, const std::vector<Label>* metadata) {
  st_.line = line;
  for (const auto& f : s_->filters)
    if (!f->Process(st_)) return false;
  st_.ts_ns = ts_ns;
  st_.labels.Reset(&base_, metadata);
  for (const auto& s : s_->rest)
    if (!s->Process(st_)) return false;
  return true;
}

const LabelSet& StreamPipeline::ResultLabels() {
  if (!st_.labels.Changed() && !st_.labels.HasMetadata()) return base_;
  built_ = st_.labels.Build();
  return built_;
}

bool StreamPipeline::Process(int64_t ts_ns, std::string_view line, const std::vector<Label>* metadata,
                             std::string_view* out_line, const LabelSet** out_labels) {
  if (!Run(ts_ns, line, metadata)) return false;
  *out_line = st_.line;
  *out_labels = &ResultLabels();
  return true;
}

}  // namespace skald::logql::log
