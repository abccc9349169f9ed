// Prometheus rule templates ({{ $labels.x }}, {{ $value }}, {{ $externalLabels.x }}, .Labels/.Value,
// humanize, printf ...) expanded with the shared Go-template engine, for alert labels/annotations.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/gotemplate/template.h"
#include "common/labels.h"
#include "common/status.h"

namespace skald::ruler {

// What a rule template sees: the sample's labels and value, the ruler's external labels and URL.
struct TemplateContext {
  const LabelSet* labels = nullptr;
  double value = 0;
  const std::vector<std::pair<std::string, std::string>>* external_labels = nullptr;
  std::string external_url;
};

// Immutable after Parse; Expand is const and thread-safe.
class PromTemplate {
 public:
  // Errors read like Prometheus': `template: __alert_X:1: ...` (with the engine's detail).
  static Result<PromTemplate> Parse(std::string_view text);
  // Expands into *out; on error *out is left empty and the Status says why.
  Status Expand(const TemplateContext& ctx, std::string* out) const;
  const std::string& source() const { return source_; }

 private:
  std::string source_;
  gotemplate::Template tmpl_;
};

// The rewrite Parse applies inside actions (exposed for tests): `$labels.x`/`.Labels.x` → `$.x`,
// `$value`/`.Value` → `(float64 $.__value__)`, `$externalLabels.x` → `$.__ext__x`, `$externalURL`.
std::string RewritePromTemplate(std::string_view text);

}  // namespace skald::ruler
