// FUZZ_LINK: skald_store_retention
// libFuzzer target for the retention files: the rules list (compactor.retention_rules_file) and the
// runtime_config overrides. Any text must parse or fail with a Status (YAML exceptions caught inside).
#include <cstdint>
#include <string>

#include "store/retention/retention_files.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  (void)skald::retention::ParseRetentionRules("fuzz.yaml", text);
  (void)skald::retention::ParseRuntimeOverrides("fuzz.yaml", text);
  return 0;
}
