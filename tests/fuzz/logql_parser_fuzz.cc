// FUZZ_LINK: skald_common_logql
// libFuzzer target for the LogQL parser: any input must parse or fail cleanly, and whatever
// parses must print to text that re-parses and prints identically (round-trip invariant).
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <string>
#include <string_view>

#include "common/logql/parser.h"
#include "common/logql/printer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view q(reinterpret_cast<const char*>(data), size);
  (void)skald::logql::ParseStreamSelector(q);
  auto e = skald::logql::ParseExpr(q);
  if (!e.ok()) return 0;
  std::string printed = skald::logql::Print(**e);
  auto again = skald::logql::ParseExpr(printed);
  if (!again.ok()) {
    std::fprintf(stderr, "re-parse failed: %s\n%s\n", printed.c_str(), again.status().message().c_str());
    std::abort();
  }
  std::string printed2 = skald::logql::Print(**again);
  if (printed2 != printed) {
    std::fprintf(stderr, "round trip differs:\n%s\n%s\n", printed.c_str(), printed2.c_str());
    std::abort();
  }
  std::string pretty = skald::logql::Prettify(**e);
  auto from_pretty = skald::logql::ParseExpr(pretty);
  if (!from_pretty.ok() || skald::logql::Print(**from_pretty) != printed) {
    std::fprintf(stderr, "prettify round trip differs:\n%s\n%s\n", printed.c_str(), pretty.c_str());
    std::abort();
  }
  return 0;
}
