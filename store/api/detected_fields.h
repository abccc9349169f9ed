// Logs Drilldown's field discovery: `/detected_fields` and `/detected_field/<name>/values` sample
// the newest `line_limit` lines of a log query and report the logfmt/JSON fields found in them.
#pragma once

#include "common/http/router.h"

#include <string>
#include <string_view>
#include <vector>

#include "store/api/query_handlers.h"

namespace skald::api {

struct DetectedField {
  std::string name, value, parser;  // parser: "json", "logfmt" or "" (structured metadata)
};

// Fields of one line: a JSON object's scalar members (nested objects flattened with `_`), else
// logfmt `key=value` pairs.
std::vector<DetectedField> DetectFields(std::string_view line);
// Loki's detected type of a value: int, float, boolean, duration, bytes or string.
std::string DetectType(std::string_view value);

void RegisterDetectedFieldRoutes(http::Router& server, const QueryDeps& deps);

}  // namespace skald::api
