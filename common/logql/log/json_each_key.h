// The key search Loki 2.9's `| json a="b.c"` does (github.com/buger/jsonparser EachKey): a lenient
// byte scan that reports only what it meets at the requested keys, with jsonparser's error texts.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/logql/log/json_scan.h"

namespace skald::logql::log {

// One callback of EachKey: a requested path found (value or error), or path == -1 with an error
// (a key outside any object).
struct JsonKeyHit {
  int path = -1;
  JsonValue value;
  std::string_view error;  // empty on success
};

// Scans `d` for `paths` (each a list of object keys, no array indices), appending hits to *out in
// the order jsonparser calls back. Each path is reported at most once (its first occurrence).
void JsonEachKey(std::string_view d, const std::vector<std::vector<std::string>>& paths,
                 std::vector<JsonKeyHit>* out);

}  // namespace skald::logql::log
