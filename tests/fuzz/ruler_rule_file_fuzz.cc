// FUZZ_LINK: skald_store_ruler
// libFuzzer target for ruler rule files and the rules API body: any text must parse or fail with a
// Status, and a group the strict parser accepts must survive a YAML round trip unchanged.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "store/ruler/rule_file.h"

using namespace skald::ruler;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto f = ParseRuleFile("fuzz.yaml", text);
  if (f.ok()) (void)GroupsToFileYaml(f->groups);
  auto g = ParseRuleGroupYaml(text);
  if (!g.ok()) return 0;
  auto again = ParseRuleGroupYaml(GroupToYaml(*g));
  if (!again.ok() || !(*again == *g)) std::abort();
  return 0;
}
