// Metadata routes (see metadata_handlers.h).
#include "store/api/metadata_handlers.h"

#include <algorithm>
#include <map>
#include <set>

#include "common/logql/parser.h"
#include "common/logql/printer.h"
#include "store/api/detected_fields.h"
#include "store/api/patterns_handler.h"
#include "store/api/query_params.h"
#include "store/api/response_json.h"
#include "store/query/log_engine.h"

namespace skald::api {
namespace {

const logql::LogSelectorExpr* FirstSelector(const logql::Expr& e) {
  using K = logql::ExprKind;
  switch (e.kind) {
    case K::kLogSelector: return &e.As<logql::LogSelectorExpr>();
    case K::kRangeAggregation: return &e.As<logql::RangeAggregationExpr>().range.selector;
    case K::kVectorAggregation: return FirstSelector(*e.As<logql::VectorAggregationExpr>().inner);
    case K::kLabelReplace: return FirstSelector(*e.As<logql::LabelReplaceExpr>().inner);
    case K::kBinary: {
      const auto* l = FirstSelector(*e.As<logql::BinOpExpr>().lhs);
      return l ? l : FirstSelector(*e.As<logql::BinOpExpr>().rhs);
    }
    default: return nullptr;
  }
}

// Tenant, bounds and matchers common to every metadata route.
struct Scope {
  std::string tenant;
  TimeRange range;
  Matchers matchers;
};

Result<Scope> ReadScope(const QueryDeps& deps, const http::Request& req, const std::string& q) {
  auto tenant = ReadTenant(req, deps);
  if (!tenant.ok()) return tenant.status();
  auto b = ParseBounds(req.params, NowNs(deps));
  if (!b.ok()) return b.status();
  auto ms = QueryMatchers(q);
  if (!ms.ok()) return ms.status();
  return Scope{*tenant, *b, std::move(*ms)};
}

// Streams of every tenant of the scope.
Result<std::vector<std::pair<std::string, StreamInfo>>> ScopeStreams(StoreReader& r, const Scope& s,
                                                                     const Matchers& ms) {
  std::vector<std::pair<std::string, StreamInfo>> out;
  for (const auto& t : query::SplitTenants(s.tenant)) {
    auto st = r.Streams(t, ms, s.range.start_ns, s.range.end_ns);
    if (!st.ok()) return st.status();
    for (auto& i : *st) out.emplace_back(t, std::move(i));
  }
  return out;
}

// Label names (name empty) or values of `name`, across the request's tenants.
Result<std::vector<std::string>> LabelStrings(const QueryDeps& d, const http::Request& req,
                                              const std::string& name) {
  auto s = ReadScope(d, req, Param(req.params, "query"));
  if (!s.ok()) return s.status();
  std::set<std::string> out;
  for (const auto& t : query::SplitTenants(s->tenant)) {
    auto v = name.empty() ? d.reader->LabelNames(t, s->matchers, s->range.start_ns, s->range.end_ns)
                          : d.reader->LabelValues(t, name, s->matchers, s->range.start_ns, s->range.end_ns);
    if (!v.ok()) return v.status();
    out.insert(v->begin(), v->end());
  }
  return std::vector<std::string>(out.begin(), out.end());
}

// v1 shape `{"status":"success","data":[..]}`; legacy /api/prom shape `{"values":[..]}`.
void WriteStrings(http::Response& res, const Result<std::vector<std::string>>& v, bool legacy) {
  if (!v.ok()) return WriteError(res, v.status());
  if (!legacy) return WriteJson(res, EncodeStringList(*v));
  JsonWriter w;
  w.Raw("{").Key("values").Raw("[");
  for (size_t i = 0; i < v->size(); i++) {
    if (i) w.Comma();
    w.Str((*v)[i]);
  }
  w.Raw("]}");
  WriteJson(res, w.Take());
}

void Labels(const QueryDeps& d, const http::Request& req, http::Response& res) {
  WriteStrings(res, LabelStrings(d, req, ""), false);
}
void LabelValues(const QueryDeps& d, const http::Request& req, http::Response& res) {
  WriteStrings(res, LabelStrings(d, req, req.matches[1]), false);
}
void LegacyLabels(const QueryDeps& d, const http::Request& req, http::Response& res) {
  WriteStrings(res, LabelStrings(d, req, ""), true);
}
void LegacyLabelValues(const QueryDeps& d, const http::Request& req, http::Response& res) {
  WriteStrings(res, LabelStrings(d, req, req.matches[1]), true);
}

void Series(const QueryDeps& d, const http::Request& req, http::Response& res) {
  auto s = ReadScope(d, req, "");
  if (!s.ok()) return WriteError(res, s.status());
  std::vector<std::string> selectors = Params(req.params, "match[]");
  for (auto& m : Params(req.params, "match")) selectors.push_back(m);
  if (selectors.empty()) selectors.push_back("");
  std::map<std::string, LabelSet> found;
  for (const auto& sel : selectors) {
    auto ms = QueryMatchers(sel);
    if (!ms.ok()) return WriteError(res, ms.status());
    auto streams = ScopeStreams(*d.reader, *s, *ms);
    if (!streams.ok()) return WriteError(res, streams.status());
    for (auto& [t, info] : *streams) found.emplace(info.labels.ToString(), info.labels);
  }
  std::vector<LabelSet> out;
  for (auto& [k, ls] : found) out.push_back(std::move(ls));
  WriteJson(res, EncodeSeries(out));
}

void IndexStatsRoute(const QueryDeps& d, const http::Request& req, http::Response& res) {
  auto s = ReadScope(d, req, Param(req.params, "query"));
  if (!s.ok()) return WriteError(res, s.status());
  skald::IndexStats total;
  for (const auto& t : query::SplitTenants(s->tenant)) {
    auto st = d.reader->Stats(t, s->matchers, s->range.start_ns, s->range.end_ns);
    if (!st.ok()) return WriteError(res, st.status());
    total.streams += st->streams, total.chunks += st->chunks;
    total.bytes += st->bytes, total.entries += st->entries;
  }
  JsonWriter w;
  w.Raw("{").Key("streams").Int(total.streams).Comma().Key("chunks").Int(total.chunks).Comma();
  w.Key("bytes").Int(total.bytes).Comma().Key("entries").Int(total.entries).Raw("}");
  WriteJson(res, w.Take());
}

// Volume: bytes per group of streams; range=true buckets them by `step` (chunk start time).
void Volume(const QueryDeps& d, const http::Request& req, http::Response& res, bool range) {
  auto s = ReadScope(d, req, Param(req.params, "query"));
  if (!s.ok()) return WriteError(res, s.status());
  std::vector<std::string> targets;
  std::string tl = Param(req.params, "targetLabels");
  for (size_t p = 0; !tl.empty();) {
    size_t c = tl.find(',', p);
    std::string one = tl.substr(p, c == std::string::npos ? std::string::npos : c - p);
    if (!one.empty()) targets.push_back(one);
    if (c == std::string::npos) break;
    p = c + 1;
  }
  if (targets.empty()) {
    for (const auto& m : s->matchers) targets.push_back(m.name());
  }
  uint32_t limit = 100;
  if (std::string l = Param(req.params, "limit"); !l.empty()) limit = static_cast<uint32_t>(std::max(1L, std::atol(l.c_str())));
  int64_t step = 0;
  if (range) {
    auto st = ParseRangeQuery(req.params, NowNs(d));
    if (!st.ok()) return WriteError(res, st.status());
    step = st->step_ns;
  }
  auto streams = ScopeStreams(*d.reader, *s, s->matchers);
  if (!streams.ok()) return WriteError(res, streams.status());
  std::map<std::string, std::pair<LabelSet, std::map<int64_t, double>>> groups;
  for (const auto& [t, info] : *streams) {
    std::vector<Label> kept;
    for (const auto& l : info.labels) {
      if (std::find(targets.begin(), targets.end(), l.name) != targets.end()) kept.push_back(l);
    }
    LabelSet key(std::move(kept));
    auto& g = groups[key.ToString()];
    g.first = key;
    auto sums = d.reader->Summaries(t, info.id, s->range.start_ns, s->range.end_ns);
    if (!sums.ok()) return WriteError(res, sums.status());
    for (const auto& c : *sums) {
      int64_t b = range ? s->range.start_ns + (std::max(c.min_ts_ns, s->range.start_ns) - s->range.start_ns) / step * step
                        : s->range.end_ns;
      g.second[b] += static_cast<double>(c.raw_bytes);
    }
  }
  query::QueryResult r;
  r.type = range ? query::ResultType::kMatrix : query::ResultType::kVector;
  for (auto& [k, g] : groups) {
    double total = 0;
    query::Series series{g.first, {}};
    for (auto& [t, v] : g.second) total += v, series.points.push_back({t / 1000000, v});
    if (range) r.matrix.push_back(std::move(series));
    else r.vector.push_back({g.first, s->range.end_ns / 1000000, total});
  }
  std::stable_sort(r.vector.begin(), r.vector.end(), [](const auto& a, const auto& b) { return a.v > b.v; });
  if (r.vector.size() > limit) r.vector.resize(limit);
  if (r.matrix.size() > limit) r.matrix.resize(limit);
  WriteJson(res, EncodeQueryResponse(r, false));
}

void DetectedLabels(const QueryDeps& d, const http::Request& req, http::Response& res) {
  auto s = ReadScope(d, req, Param(req.params, "query"));
  if (!s.ok()) return WriteError(res, s.status());
  auto streams = ScopeStreams(*d.reader, *s, s->matchers);
  if (!streams.ok()) return WriteError(res, streams.status());
  std::map<std::string, std::set<std::string>> values;
  for (const auto& [t, info] : *streams) {
    for (const auto& l : info.labels) values[l.name].insert(l.value);
  }
  JsonWriter w;
  w.Raw("{").Key("detectedLabels").Raw("[");
  bool first = true;
  for (const auto& [name, vs] : values) {
    if (!first) w.Comma();
    first = false;
    w.Raw("{").Key("label").Str(name).Comma().Key("cardinality").Int(static_cast<int64_t>(vs.size())).Raw("}");
  }
  w.Raw("]}");
  WriteJson(res, w.Take());
}

void BuildInfo(const QueryDeps& d, const http::Request&, http::Response& res) {
  JsonWriter w;
  w.Raw("{").Key("version").Str(d.version).Comma().Key("revision").Str("skald").Comma();
  w.Key("branch").Str("main").Comma().Key("buildUser").Str("skald").Comma();
  w.Key("buildDate").Str("").Comma().Key("goVersion").Str("").Raw("}");
  WriteJson(res, w.Take());
}

// Loki answers a bad query here with a JSON body, unlike the other read routes.
void FormatQuery(const QueryDeps&, const http::Request& req, http::Response& res) {
  auto e = logql::ParseExpr(Param(req.params, "query"));
  JsonWriter w;
  if (!e.ok()) {
    w.Raw("{").Key("status").Str("invalid-query").Comma().Key("error").Str(e.status().message()).Raw("}");
    res.status = 400;
    res.set_content(w.Take(), "application/json; charset=UTF-8");
    return;
  }
  w.Raw("{").Key("status").Str("success").Comma().Key("data").Str(logql::Prettify(**e)).Raw("}");
  WriteJson(res, w.Take());
}

using Fn = void (*)(const QueryDeps&, const http::Request&, http::Response&);

void Route(http::Router& s, const std::string& path, const QueryDeps& deps, Fn fn) {
  auto h = [deps, fn](const http::Request& req, http::Response& res) { fn(deps, req, res); };
  s.Get(path, h, http::RouteClass::kQuery);
  s.Post(path, h, http::RouteClass::kQuery);
}

}  // namespace

Result<Matchers> QueryMatchers(const std::string& query) {
  std::string_view q = query;
  while (!q.empty() && std::isspace(static_cast<unsigned char>(q.front()))) q.remove_prefix(1);
  while (!q.empty() && std::isspace(static_cast<unsigned char>(q.back()))) q.remove_suffix(1);
  if (q.empty() || q == "{}") return Matchers{};
  auto ms = logql::ParseStreamSelector(q);
  if (ms.ok()) return ms;
  auto e = logql::ParseExpr(q);
  if (!e.ok()) return e.status();
  const auto* sel = FirstSelector(**e);
  if (sel == nullptr) return Matchers{};
  return sel->matchers;
}

void RegisterMetadataRoutes(http::Router& server, const QueryDeps& deps) {
  Route(server, "/loki/api/v1/labels", deps, Labels);
  Route(server, "/loki/api/v1/label", deps, Labels);
  Route(server, "/loki/api/v1/label/([^/]+)/values", deps, LabelValues);
  Route(server, "/api/prom/label", deps, LegacyLabels);
  Route(server, "/api/prom/label/([^/]+)/values", deps, LegacyLabelValues);
  Route(server, "/loki/api/v1/series", deps, Series);
  Route(server, "/api/prom/series", deps, Series);
  Route(server, "/loki/api/v1/index/stats", deps, IndexStatsRoute);
  Route(server, "/loki/api/v1/index/volume", deps,
        [](const QueryDeps& d, const http::Request& q, http::Response& r) { Volume(d, q, r, false); });
  Route(server, "/loki/api/v1/index/volume_range", deps,
        [](const QueryDeps& d, const http::Request& q, http::Response& r) { Volume(d, q, r, true); });
  Route(server, "/loki/api/v1/detected_labels", deps, DetectedLabels);
  Route(server, "/loki/api/v1/status/buildinfo", deps, BuildInfo);
  Route(server, "/loki/api/v1/format_query", deps, FormatQuery);
  RegisterDetectedFieldRoutes(server, deps);
  RegisterPatternRoutes(server, deps);
}

}  // namespace skald::api
