// Patterns route (see patterns_handler.h): reads each matching stream backward up to its share of
// the line cap, feeds a PatternMiner, and answers Loki's shape
// `{"status":"success","data":[{"pattern":"..","level":"..","samples":[[<sec>,<count>],..]}]}`.
#include "store/api/patterns_handler.h"

#include <algorithm>

#include "common/logger.h"
#include "common/metrics.h"
#include "store/api/metadata_handlers.h"
#include "store/api/patterns_drain.h"
#include "store/api/query_params.h"
#include "store/api/response_json.h"
#include "store/query/log_engine.h"

namespace skald::api {
namespace {

// Feeds the streams' lines to `miner`; returns the lines read and sets *capped.
Result<int64_t> Mine(StoreReader& reader, const std::string& tenant, const Matchers& ms, int64_t start, int64_t end,
                     PatternMiner& miner, bool* capped) {
  std::vector<std::pair<std::string, StreamInfo>> streams;
  for (const auto& t : query::SplitTenants(tenant)) {
    auto s = reader.Streams(t, ms, start, end);
    if (!s.ok()) return s.status();
    for (auto& i : *s) streams.emplace_back(t, std::move(i));
  }
  const int64_t share = std::max<int64_t>(1000, kPatternMaxLines / std::max<int64_t>(1, static_cast<int64_t>(streams.size())));
  int64_t total = 0;
  for (const auto& [t, info] : streams) {
    if (total >= kPatternMaxLines) {
      *capped = true;
      break;
    }
    auto it = reader.Entries(t, info.id, start, end, Direction::kBackward);
    int64_t n = 0;
    while (n < share && total < kPatternMaxLines && it->Next()) {
      miner.Add(it->At().line, it->At().ts_ns);
      n++, total++;
    }
    if (!it->status().ok()) return it->status();
    if (n == share && it->Next()) *capped = true;
  }
  return total;
}

std::string Encode(const std::vector<MinedPattern>& ps) {
  JsonWriter w;
  w.Raw("{").Key("status").Str("success").Comma().Key("data").Raw("[");
  for (size_t i = 0; i < ps.size(); i++) {
    if (i) w.Comma();
    w.Raw("{").Key("pattern").Str(ps[i].pattern);
    if (!ps[i].level.empty()) w.Comma().Key("level").Str(ps[i].level);
    w.Comma().Key("samples").Raw("[");
    bool first = true;
    for (const auto& [t, n] : ps[i].samples) {
      if (!first) w.Comma();
      first = false;
      w.Raw("[").Int(t / 1000000000LL).Comma().Int(n).Raw("]");
    }
    w.Raw("]}");
  }
  w.Raw("]}");
  return w.Take();
}

void Patterns(const QueryDeps& d, const http::Request& req, http::Response& res, metrics::Counter* capped_total) {
  auto tenant = ReadTenant(req, d);
  if (!tenant.ok()) return WriteError(res, tenant.status());
  auto p = ParseRangeQuery(req.params, NowNs(d));
  if (!p.ok()) return WriteError(res, p.status());
  auto ms = QueryMatchers(p->query);
  if (!ms.ok()) return WriteError(res, ms.status());
  PatternOptions o;
  o.step_ns = p->step_ns;
  PatternMiner miner(o);
  bool capped = false;
  auto n = Mine(*d.reader, *tenant, *ms, p->start_ns, p->end_ns, miner, &capped);
  if (!n.ok()) return WriteError(res, n.status());
  if (capped) {
    capped_total->Inc();
    SKALD_LOG(warn, "patterns: line cap reached, newest lines only",
              {{"query", p->query}, {"lines", std::to_string(*n)}});
  }
  WriteJson(res, Encode(miner.Patterns()));
}

}  // namespace

void RegisterPatternRoutes(http::Router& server, const QueryDeps& deps) {
  metrics::Counter* capped = &metrics::Registry::Default().NewCounter(
      "skald_patterns_capped_total", "Pattern requests that hit the line cap (mined from the newest lines only).");
  auto h = [deps, capped](const http::Request& req, http::Response& res) { Patterns(deps, req, res, capped); };
  server.Get("/loki/api/v1/patterns", h, http::RouteClass::kQuery);
  server.Post("/loki/api/v1/patterns", h, http::RouteClass::kQuery);
}

}  // namespace skald::api
