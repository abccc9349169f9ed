// Promtail's template data for the `template` and `replace` stages: every extracted value by name,
// plus `.Value` (the source value, or the captured group for `replace`) and `.Entry` (the line).
// A missing key renders "<no value>", as Go's text/template does over Promtail's map.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "collector/pipeline/stages/stage.h"
#include "common/gotemplate/template.h"

namespace skald::pipeline {

class ExtractedTemplateData : public gotemplate::TemplateData {
 public:
  ExtractedTemplateData(const Extracted& ex, const Entry& e) : ex_(ex), e_(e) {}
  void SetValue(std::optional<std::string_view> v) { value_ = v; }
  std::optional<std::string_view> Label(std::string_view name) const override {
    if (name == "Value" && value_) return value_;  // set only when the source exists, as in Promtail
    if (name == "Entry") return std::string_view(e_.line);
    if (const std::string* v = ex_.Get(name)) return std::string_view(*v);
    return std::nullopt;
  }
  bool MissingIsNil() const override { return true; }
  std::string_view Line() const override { return e_.line; }
  int64_t TimestampNs() const override { return e_.ts_ns; }

 private:
  const Extracted& ex_;
  const Entry& e_;
  std::optional<std::string_view> value_;
};

}  // namespace skald::pipeline
