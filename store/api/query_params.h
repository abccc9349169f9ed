// Loki's read-API parameters: time by digit count, float-seconds-or-Prometheus durations, limit,
// direction, and the range/instant/label request shapes with Loki's exact validation messages.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/head/store_reader.h"

namespace skald::api {

// Request parameters (query string and form body merged), as httplib::Params.
using ParamMap = std::multimap<std::string, std::string>;

// common/time_util.h ParseLokiTime; empty → `def_ns`. Errors as Loki's (`strconv.ParseInt: parsing ...`).
Result<int64_t> ParseApiTime(std::string_view v, int64_t def_ns);
// `forward`/`backward`, any case; empty → backward.
Result<Direction> ParseDirection(std::string_view v);

struct RangeQueryParams {
  std::string query;
  int64_t start_ns = 0, end_ns = 0;
  int64_t step_ns = 0;
  int64_t interval_ns = 0;
  uint32_t limit = 100;
  Direction direction = Direction::kBackward;
};

struct InstantQueryParams {
  std::string query;
  int64_t ts_ns = 0;
  uint32_t limit = 100;
  Direction direction = Direction::kBackward;
};

struct TimeRange {
  int64_t start_ns = 0, end_ns = 0;
};

Result<RangeQueryParams> ParseRangeQuery(const ParamMap& p, int64_t now_ns);
Result<InstantQueryParams> ParseInstantQuery(const ParamMap& p, int64_t now_ns);
// start/end/since for metadata endpoints: end defaults to now, start to min(end, now) − since (1h).
Result<TimeRange> ParseBounds(const ParamMap& p, int64_t now_ns);

// First value of `key`, or "" (httplib stores repeated keys; Loki's r.Form.Get takes the first).
std::string Param(const ParamMap& p, const std::string& key);
// All values of `key`.
std::vector<std::string> Params(const ParamMap& p, const std::string& key);

}  // namespace skald::api
