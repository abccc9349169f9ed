// `logfmt` stage: decodes key=value pairs (go-logfmt rules: bare or Go-quoted values) from the line
// or an extracted `source`, storing the mapped keys in the extracted map.
#include "collector/pipeline/stages/config.h"
#include "collector/pipeline/stages/factories.h"

namespace skald::pipeline {
namespace {

// Yields pairs until the end or a syntax error (pairs before the error are kept, as Promtail does).
template <typename F>
void DecodeLogfmt(std::string_view s, F&& emit) {
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
    size_t ks = i;
    while (i < s.size() && s[i] > ' ' && s[i] != '=' && s[i] != '"') ++i;
    if (i == ks) {
      if (i < s.size()) return;  // '=' or '"' where a key should be
      break;
    }
    std::string_view key = s.substr(ks, i - ks);
    if (i >= s.size() || s[i] != '=') {
      if (i < s.size() && s[i] == '"') return;
      emit(key, std::string());
      continue;
    }
    ++i;
    if (i < s.size() && s[i] == '"') {
      size_t j = i + 1;
      while (j < s.size() && s[j] != '"') j += s[j] == '\\' ? 2 : 1;
      if (j >= s.size()) return;
      auto v = GoUnquote(s.substr(i, j - i + 1));
      if (!v.ok()) return;
      emit(key, std::move(*v));
      i = j + 1;
    } else {
      size_t vs = i;
      while (i < s.size() && s[i] > ' ' && s[i] != '"' && s[i] != '=') ++i;
      if (i < s.size() && (s[i] == '"' || s[i] == '=')) return;
      emit(key, std::string(s.substr(vs, i - vs)));
    }
  }
}

class LogfmtStage : public Stage {
 public:
  std::string_view Name() const override { return "logfmt"; }
  void Process(Entry& e) override {
    const auto src = SourceText(e, source_);
    if (!src) return;
    const std::string_view input = *src;
    std::string copy(input);  // the extracted map may change under us
    DecodeLogfmt(copy, [&](std::string_view k, std::string v) {
      for (const auto& [name, key] : mapping_)
        if (key == k) e.extracted.Set(name, v);
    });
  }
  std::optional<std::string> source_;
  std::vector<std::pair<std::string, std::string>> mapping_;  // extracted name → logfmt key
};

}  // namespace

Result<StagePtr> NewLogfmtStage(const YAML::Node& cfg, const StageContext& ctx) {
  ConfigReader r(cfg, "logfmt", ctx);
  r.Only({"mapping", "source"});
  auto st = std::make_unique<LogfmtStage>();
  auto m = r.StringMap("mapping");
  if (r.ok() && m.empty()) r.Fail("mapping", "logfmt mapping is required");
  for (auto& [k, v] : m) st->mapping_.emplace_back(k, v.empty() ? k : v);
  if (cfg.IsMap() && cfg["source"].IsDefined()) {
    st->source_ = r.String("source").value_or("");
    if (st->source_->empty()) r.Fail("source", "empty source");
  }
  SKALD_RETURN_IF_ERROR(r.Done());
  return StagePtr(std::move(st));
}

}  // namespace skald::pipeline
