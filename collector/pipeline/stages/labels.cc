// `labels` stage (extracted values → stream labels, invalid UTF-8 skipped) and, sharing the code,
// `structured_metadata` (extracted values → the entry's structured metadata; see structured_metadata.cc).
#include "collector/pipeline/stages/config.h"
#include "collector/pipeline/stages/factories.h"
#include "collector/pipeline/stages/literal_regex.h"
#include "collector/pipeline/stages/simdjson_include.h"

namespace skald::pipeline {
namespace {

// Promtail sets a label only when its value is valid UTF-8 as Go's utf8.ValidString has it: no
// overlong forms, no UTF-16 surrogates, nothing past U+10FFFF (simdjson's validator is as strict).
bool ValidLabelValue(std::string_view v) {
  size_t i = 0;
  while (i < v.size() && static_cast<unsigned char>(v[i]) < 0x80) ++i;  // the ASCII prefix
  return i == v.size() || simdjson::validate_utf8(v.data() + i, v.size() - i);
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

class LabelsStage : public Stage {
 public:
  LabelsStage(bool metadata, Pairs m) : metadata_(metadata), map_(std::move(m)) {}
  std::string_view Name() const override { return metadata_ ? "structured_metadata" : "labels"; }
  std::optional<KeySet> ReadsExtracted() const override {
    KeySet k;
    for (const auto& [label, source] : map_) k.insert(source);
    return k;
  }
  void Process(Entry& e) override {
    std::string_view m;
    const bool matched = prev_ && scan_->Find(e.line, &m);  // the absorbed regex stage, if any
    if (matched && store_) e.extracted.Assign(scan_key_, m);
    for (size_t i = 0; i < map_.size(); ++i) {
      const auto& [label, source] = map_[i];
      std::string_view v;
      if (matched && from_scan_[i]) {
        v = m;  // what the regex stage would have stored under `source`, read in place
      } else if (const std::string* x = e.extracted.Get(source)) {
        v = *x;
      } else {
        continue;
      }
      if (!ValidLabelValue(v)) continue;
      if (!metadata_) {
        e.labels.Set(label, v);
        continue;
      }
      bool found = false;
      for (auto& l : e.metadata)
        if (l.name == label) l.value = v, found = true;
      if (!found) e.metadata.push_back({label, std::string(v)});
    }
  }

  // Runs a line-scanning `regex` stage right before it as part of itself when one of the labels
  // comes from the regex's group: the match is used in place, and stored in the extracted map only
  // when a later stage may read it (SetLiveAfter). Same labels, same map for every later reader.
  bool Absorb(StagePtr& prev) override {
    std::string_view key;
    const LiteralRegex* scan = prev->LineScan(&key);
    if (!scan || metadata_) return false;
    from_scan_.clear();
    bool any = false;
    for (const auto& [label, source] : map_) from_scan_.push_back(source == key), any = any || source == key;
    if (!any) return false;
    scan_key_ = std::string(key);
    scan_ = scan;
    prev_ = std::move(prev);
    return true;
  }
  void SetLiveAfter(const std::optional<KeySet>& live) override {
    store_ = !live || live->count(scan_key_) > 0;
  }

 private:
  bool metadata_;
  Pairs map_;  // label name → extracted key
  // An absorbed regex stage: its scan and group name, and map_ entries that read that name.
  StagePtr prev_;
  const LiteralRegex* scan_ = nullptr;
  std::string scan_key_;
  std::vector<bool> from_scan_;
  bool store_ = true;  // the match must be in the extracted map afterwards
};

Result<StagePtr> NewLabelsLike(const YAML::Node& cfg, const StageContext& ctx, bool metadata) {
  const char* name = metadata ? "structured_metadata" : "labels";
  ConfigReader r(cfg, name, ctx);
  if (!cfg.IsMap() || cfg.size() == 0) r.Fail(nullptr, "empty label stage configuration");
  Pairs m;
  if (r.ok()) {
    for (const auto& kv : cfg) {
      std::string label = kv.first.Scalar();
      if (!IsValidLabelName(label)) {
        r.Fail(label.c_str(), "invalid label name: " + label);
        break;
      }
      std::string src = kv.second.IsNull() || !kv.second.IsScalar() ? "" : kv.second.Scalar();
      m.emplace_back(label, src.empty() ? label : src);
    }
  }
  SKALD_RETURN_IF_ERROR(r.Done());
  return StagePtr(std::make_unique<LabelsStage>(metadata, std::move(m)));
}

}  // namespace

Result<StagePtr> NewLabelsStage(const YAML::Node& cfg, const StageContext& ctx) {
  return NewLabelsLike(cfg, ctx, false);
}
Result<StagePtr> NewLabelsLikeStage(const YAML::Node& cfg, const StageContext& ctx, bool metadata) {
  return NewLabelsLike(cfg, ctx, metadata);
}

}  // namespace skald::pipeline
