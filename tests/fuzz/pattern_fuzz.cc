// FUZZ_LINK: skald_common_logql_log
// libFuzzer target for Loki patterns: the first line of the input is the pattern, the rest the log
// line; parsing and matching must not crash and captures must lie inside the line.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/logql/log/pattern.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t nl = in.find('\n');
  std::string_view pat = in.substr(0, nl);
  std::string_view line = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
  auto p = skald::logql::log::Pattern::Parse(pat, false);
  if (!p.ok()) return 0;
  std::vector<std::string_view> values;
  if (p->Match(line, &values)) {
    for (auto v : values)
      if (!v.empty() && (v.data() < line.data() || v.data() + v.size() > line.data() + line.size()))
        std::abort();
  }
  return 0;
}
