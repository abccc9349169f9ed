// Loki's read-API parameter parsing (see query_params.h); messages follow Loki 2.9's loghttp package.
#include "store/api/query_params.h"

#include <charconv>

#include "common/labels.h"
#include "common/time_util.h"

namespace skald::api {
namespace {

constexpr int64_t kSecond = 1000000000LL;

Result<int64_t> GoParseInt(std::string_view v) {
  int64_t out = 0;
  std::string_view digits = v;
  if (!digits.empty() && digits[0] == '+') digits.remove_prefix(1);
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
  if (digits.empty() || ec == std::errc::invalid_argument || ptr != digits.data() + digits.size()) {
    return Status::Invalid("strconv.ParseInt: parsing " + GoQuote(v) + ": invalid syntax");
  }
  if (ec == std::errc::result_out_of_range) {
    return Status::Invalid("strconv.ParseInt: parsing " + GoQuote(v) + ": value out of range");
  }
  return out;
}

Result<uint32_t> ParseLimit(const ParamMap& p) {
  std::string v = Param(p, "limit");
  if (v.empty()) return 100u;
  auto n = GoParseInt(v);
  if (!n.ok()) return n.status();
  if (*n <= 0) return Status::Invalid("limit must be a positive value");
  return static_cast<uint32_t>(std::min<int64_t>(*n, UINT32_MAX));
}

}  // namespace

std::string Param(const ParamMap& p, const std::string& key) {
  auto it = p.find(key);
  return it == p.end() ? std::string() : it->second;
}

std::vector<std::string> Params(const ParamMap& p, const std::string& key) {
  std::vector<std::string> out;
  auto [b, e] = p.equal_range(key);
  for (auto it = b; it != e; ++it) out.push_back(it->second);
  return out;
}

Result<int64_t> ParseApiTime(std::string_view v, int64_t def_ns) {
  if (v.empty()) return def_ns;
  auto t = ParseLokiTime(v);
  if (t.ok()) return t;
  // Loki reports the integer parse failure, not the RFC3339 one.
  auto n = GoParseInt(v);
  return n.ok() ? t.status() : n.status();
}

Result<Direction> ParseDirection(std::string_view v) {
  if (v.empty()) return Direction::kBackward;
  std::string up(v);
  for (char& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (up == "BACKWARD") return Direction::kBackward;
  if (up == "FORWARD") return Direction::kForward;
  return Status::Invalid("invalid direction '" + std::string(v) + "'");
}

Result<TimeRange> ParseBounds(const ParamMap& p, int64_t now_ns) {
  int64_t since = 3600 * kSecond;
  std::string since_s = Param(p, "since");
  if (!since_s.empty()) {
    auto d = ParsePromDuration(since_s);
    if (!d.ok()) return d.status().Annotate("could not parse 'since' parameter");
    since = *d;
  }
  auto end = ParseApiTime(Param(p, "end"), now_ns);
  if (!end.ok()) return end.status().Annotate("could not parse 'end' parameter");
  int64_t end_or_now = std::min(*end, now_ns);
  auto start = ParseApiTime(Param(p, "start"), end_or_now - since);
  if (!start.ok()) return start.status().Annotate("could not parse 'start' parameter");
  return TimeRange{*start, *end};
}

Result<RangeQueryParams> ParseRangeQuery(const ParamMap& p, int64_t now_ns) {
  RangeQueryParams r;
  r.query = Param(p, "query");
  auto b = ParseBounds(p, now_ns);
  if (!b.ok()) return b.status();
  r.start_ns = b->start_ns;
  r.end_ns = b->end_ns;
  if (r.end_ns < r.start_ns) {
    return Status::Invalid("end timestamp must not be before or equal to start time");
  }
  auto limit = ParseLimit(p);
  if (!limit.ok()) return limit.status();
  r.limit = *limit;
  auto dir = ParseDirection(Param(p, "direction"));
  if (!dir.ok()) return dir.status();
  r.direction = *dir;
  std::string step = Param(p, "step");
  if (step.empty()) {
    r.step_ns = std::max<int64_t>((r.end_ns - r.start_ns) / kSecond / 250, 1) * kSecond;
  } else {
    auto s = ParseSecondsOrDuration(step);
    if (!s.ok()) return s.status();
    r.step_ns = *s;
  }
  if (r.step_ns <= 0) {
    return Status::Invalid(
        "zero or negative query resolution step widths are not accepted. Try a positive integer");
  }
  if ((r.end_ns - r.start_ns) / r.step_ns > 11000) {
    return Status::Invalid(
        "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query "
        "resolution (?step=XX)");
  }
  std::string interval = Param(p, "interval");
  if (!interval.empty()) {
    auto i = ParseSecondsOrDuration(interval);
    if (!i.ok()) return i.status();
    r.interval_ns = *i;
  }
  if (r.interval_ns < 0) return Status::Invalid("interval must be >= 0");
  return r;
}

Result<InstantQueryParams> ParseInstantQuery(const ParamMap& p, int64_t now_ns) {
  InstantQueryParams r;
  r.query = Param(p, "query");
  auto t = ParseApiTime(Param(p, "time"), now_ns);
  if (!t.ok()) return t.status();
  r.ts_ns = *t;
  auto limit = ParseLimit(p);
  if (!limit.ok()) return limit.status();
  r.limit = *limit;
  auto dir = ParseDirection(Param(p, "direction"));
  if (!dir.ok()) return dir.status();
  r.direction = *dir;
  return r;
}

}  // namespace skald::api
