// `decolorize` stage: strips ANSI color escape sequences (ESC [ ... m and other CSI sequences).
#include "collector/pipeline/stages/config.h"
#include "collector/pipeline/stages/factories.h"

namespace skald::pipeline {
namespace {

class DecolorizeStage : public Stage {
 public:
  std::string_view Name() const override { return "decolorize"; }
  void Process(Entry& e) override {
    if (e.line.find('\x1b') == std::string::npos) return;
    std::string out;
    out.reserve(e.line.size());
    const std::string_view s = e.line;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '\x1b' && i + 1 < s.size() && s[i + 1] == '[') {
        size_t j = i + 2;
        while (j < s.size() && ((s[j] >= '0' && s[j] <= '9') || s[j] == ';')) ++j;
        if (j < s.size() && ((s[j] >= 'A' && s[j] <= 'Z') || (s[j] >= 'a' && s[j] <= 'z'))) {
          i = j;
          continue;
        }
      }
      out += s[i];
    }
    e.line = std::move(out);
  }
};

}  // namespace

Result<StagePtr> NewDecolorizeStage(const YAML::Node& cfg, const StageContext& ctx) {
  ConfigReader r(cfg, "decolorize", ctx);
  r.Only({});
  SKALD_RETURN_IF_ERROR(r.Done());
  return StagePtr(std::make_unique<DecolorizeStage>());
}

}  // namespace skald::pipeline
