// Sample extraction after the pipeline: count, bytes, or unwrap with conversion and grouping.
#include "common/logql/log/sample_extractor.h"

#include <algorithm>

#include "common/logql/log/errors.h"
#include "common/logql/units.h"

namespace skald::logql::log {

std::unique_ptr<StreamSampleExtractor> SampleExtractor::ForStream(const LabelSet& labels) const {
  return std::make_unique<StreamSampleExtractor>(*this, labels);
}

bool StreamSampleExtractor::Convert(std::string_view v, double* out, std::string* err) const {
  switch (e_.cfg_.conv) {
    case Unwrap::Conv::kNone:
      return ParseGoFloat(v, out, err);
    case Unwrap::Conv::kDuration:
    case Unwrap::Conv::kDurationSeconds: {
      auto d = ParseGoDuration(v);
      if (!d) { *err = "time: invalid duration " + GoQuote(v); return false; }
      *out = static_cast<double>(*d) / 1e9;
      return true;
    }
    case Unwrap::Conv::kBytes: {
      auto b = ParseBytes(v);
      if (!b) { *err = "strconv.ParseFloat: parsing " + GoQuote(v) + ": invalid syntax"; return false; }
      *out = static_cast<double>(*b);
      return true;
    }
  }
  return false;
}

bool StreamSampleExtractor::Process(int64_t ts_ns, std::string_view line,
                                    const std::vector<Label>* metadata, double* value,
                                    const LabelSet** labels) {
  if (!sp_.Run(ts_ns, line, metadata)) return false;
  LineState& st = sp_.state();
  const SampleExtractorConfig& cfg = e_.cfg_;
  if (cfg.kind == SampleExtractorConfig::Kind::kCount) {
    *value = 1;
  } else if (cfg.kind == SampleExtractorConfig::Kind::kBytes) {
    *value = static_cast<double>(st.line.size());
  } else {
    auto v = st.labels.Get(cfg.label);
    if (!v || v->empty()) return false;  // lines without the label yield no sample
    std::string err;
    *value = 0;
    if (!Convert(*v, value, &err)) st.labels.SetErr(kErrSampleExtraction, err);
    for (const auto& f : cfg.post_filters)
      if (!f->Process(st)) return false;
    st.labels.Del(cfg.label);
  }
  if (!cfg.grouping) {
    *labels = &sp_.ResultLabels();
    return true;
  }
  std::vector<Label> kept;
  const auto& names = cfg.grouping->labels;
  st.labels.ForEach([&](std::string_view n, std::string_view v) {
    bool listed = std::find(names.begin(), names.end(), n) != names.end();
    if (n == kErrorLabel || n == kErrorDetailsLabel) listed = !cfg.grouping->without;  // errors stay visible
    if (listed != cfg.grouping->without) kept.push_back(Label{std::string(n), std::string(v)});
  });
  out_ = LabelSet(std::move(kept));
  *labels = &out_;
  return true;
}

}  // namespace skald::logql::log
