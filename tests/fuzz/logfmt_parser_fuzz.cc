// FUZZ_LINK: skald_common_logql_log
// libFuzzer target for the logfmt parser (lenient and --strict): any line must be processed
// without crashing, and every label it yields must have a valid name.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/logql/log/logfmt_parser.h"

using namespace skald;
using namespace skald::logql::log;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const LabelSet base = *LabelSet::Parse(R"({app="fuzz"})");
  static const LogfmtParser lenient(LogfmtConfig{false, false, {}});
  static const LogfmtParser strict(LogfmtConfig{true, true, {}});
  std::string_view line(reinterpret_cast<const char*>(data), size);
  for (const LogfmtParser* p : {&lenient, &strict}) {
    LineState s;
    s.line = line;
    s.labels.Reset(&base, nullptr);
    p->Process(s);
    s.labels.ForEach([](std::string_view n, std::string_view) {
      if (!IsValidLabelName(n)) std::abort();
    });
  }
  return 0;
}
