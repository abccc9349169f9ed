// FUZZ_LINK: skald_common_logql_log
// libFuzzer target for `| json`, `| json a="b.c"` and `| unpack`: any input must be processed
// (invalid JSON only sets __error__), extracted label names must be valid, and `| json`'s simdjson
// fast path must give exactly the labels of the jsonparser-compatible scan.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/logql/log/json_parser.h"

using namespace skald;
using namespace skald::logql::log;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const LabelSet base = *LabelSet::Parse(R"({app="fuzz"})");
  static const JsonParser json;
  static const UnpackParser unpack;
  static const JsonExpressionParser expr =
      *JsonExpressionParser::Make({{"a", "a.b"}, {"c", "c[0]"}, {"d", "[\"x y\"]"}});
  std::string_view line(reinterpret_cast<const char*>(data), size);
  for (const Stage* st : std::initializer_list<const Stage*>{&json, &unpack, &expr}) {
    LineState s;
    s.line = line;
    s.labels.Reset(&base, nullptr);
    st->Process(s);
    s.labels.ForEach([](std::string_view n, std::string_view) {
      if (!IsValidLabelName(n)) std::abort();
    });
    (void)s.labels.Build();
  }
  static const JsonParser scan_only(true);
  LineState fast, scan;
  for (LineState* s : {&fast, &scan}) {
    s->line = line;
    s->labels.Reset(&base, nullptr);
  }
  json.Process(fast);
  scan_only.Process(scan);
  if (fast.labels.Build().ToString() != scan.labels.Build().ToString()) std::abort();
  (void)JsonPathToPointer(line);
  return 0;
}
