// Prometheus template support on top of common/gotemplate: Prometheus binds $labels, $value,
// $externalLabels and $externalURL; the engine has label lookups only, so actions are rewritten.
#include "store/ruler/prom_template.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <charconv>
#include <cstdio>

namespace skald::ruler {
namespace {

constexpr std::string_view kValueKey = "__value__";
constexpr std::string_view kExtPrefix = "__ext__";
constexpr std::string_view kUrlKey = "__external_url__";

bool IsIdent(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Replaces `from` followed by a non-identifier char (or `.name` when from ends in '.').
bool TryRewrite(std::string_view act, size_t* i, std::string_view from, std::string_view to,
                std::string* out) {
  if (act.substr(*i, from.size()) != from) return false;
  size_t end = *i + from.size();
  if (from.back() == '.') {
    if (end >= act.size() || !IsIdent(act[end])) return false;
  } else if (end < act.size() && (IsIdent(act[end]) || act[end] == '.')) {
    return false;
  }
  if (*i > 0 && (IsIdent(act[*i - 1]) || act[*i - 1] == '.' || act[*i - 1] == '$')) return false;
  out->append(to);
  *i = end;
  return true;
}

std::string RewriteAction(std::string_view act) {
  static const std::pair<std::string_view, std::string_view> kRules[] = {
      {"$labels.", "$."},           {".Labels.", "$."},
      {"$externalLabels.", "$.__ext__"}, {".ExternalLabels.", "$.__ext__"},
      {"$value", "(float64 $.__value__)"}, {".Value", "(float64 $.__value__)"},
      {"$externalURL", "$.__external_url__"}, {".ExternalURL", "$.__external_url__"},
  };
  std::string out;
  for (size_t i = 0; i < act.size();) {
    char c = act[i];
    if (c == '"' || c == '`') {  // copy string literals untouched
      size_t j = i + 1;
      while (j < act.size() && act[j] != c) j += (c == '"' && act[j] == '\\') ? 2 : 1;
      j = std::min(j + 1, act.size());
      out.append(act.substr(i, j - i));
      i = j;
      continue;
    }
    bool done = false;
    for (const auto& [from, to] : kRules)
      if ((done = TryRewrite(act, &i, from, to, &out))) break;
    if (!done) out.push_back(act[i++]);
  }
  return out;
}

class RuleData : public gotemplate::TemplateData {
 public:
  explicit RuleData(const TemplateContext& c) : c_(c) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof(buf), c.value);
    value_.assign(buf, r.ptr);
  }
  std::optional<std::string_view> Label(std::string_view name) const override {
    if (name == kValueKey) return std::string_view(value_);
    if (name == kUrlKey) return std::string_view(c_.external_url);
    if (name.starts_with(kExtPrefix)) {
      name.remove_prefix(kExtPrefix.size());
      if (c_.external_labels == nullptr) return std::nullopt;
      for (const auto& [k, v] : *c_.external_labels)
        if (k == name) return std::string_view(v);
      return std::nullopt;
    }
    return c_.labels != nullptr ? c_.labels->Get(name) : std::nullopt;
  }
  // Prometheus indexes map[string]string with Go's default missingkey: "<no value>".
  bool MissingIsNil() const override { return true; }

 private:
  const TemplateContext& c_;
  std::string value_;   // shortest round-trip text: (float64 ...) gets c.value back exactly
};

}  // namespace

std::string RewritePromTemplate(std::string_view text) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) break;
    size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    out.append(text.substr(pos, open + 2 - pos));
    out.append(RewriteAction(text.substr(open + 2, close - open - 2)));
    out.append("}}");
    pos = close + 2;
  }
  out.append(text.substr(pos));
  return out;
}

Result<PromTemplate> PromTemplate::Parse(std::string_view text) {
  PromTemplate t;
  t.source_ = std::string(text);
  auto parsed = gotemplate::Template::Parse(RewritePromTemplate(text));
  if (!parsed.ok()) return parsed.status();
  t.tmpl_ = std::move(*parsed);
  return t;
}

Status PromTemplate::Expand(const TemplateContext& ctx, std::string* out) const {
  out->clear();
  if (tmpl_.IsLiteral()) {
    out->append(source_);
    return Status::Ok();
  }
  RuleData data(ctx);
  Status st = tmpl_.Execute(data, out);
  if (!st.ok()) out->clear();
  return st;
}

}  // namespace skald::ruler
