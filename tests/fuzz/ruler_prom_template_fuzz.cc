// FUZZ_LINK: skald_store_ruler
// libFuzzer target for alert label/annotation templates (user text in rule files): any text must
// parse or fail with a Status, and whatever parses must expand (or fail with a Status) without crashing.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/ruler/prom_template.h"

using namespace skald;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const LabelSet labels = *LabelSet::Parse(R"({job="api", instance="h:9090", level="error"})");
  static const std::vector<std::pair<std::string, std::string>> ext = {{"cluster", "eu-1"}};
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)ruler::RewritePromTemplate(text);
  auto t = ruler::PromTemplate::Parse(text);
  if (!t.ok()) return 0;
  ruler::TemplateContext ctx{&labels, 1234.5678, &ext, "http://ruler.example"};
  std::string out;
  (void)t->Expand(ctx, &out);
  return 0;
}
