// Detected fields (see detected_fields.h).
#include "store/api/detected_fields.h"

#include <simdjson.h>

#include <charconv>
#include <map>
#include <set>

#include "common/time_util.h"
#include "store/api/query_params.h"
#include "store/api/response_json.h"
#include "store/query/engine.h"

namespace skald::api {
namespace {

void Flatten(simdjson::dom::element e, const std::string& prefix, std::vector<DetectedField>* out) {
  if (e.is_object()) {
    for (auto [k, v] : e.get_object()) {
      Flatten(v, prefix.empty() ? std::string(k) : prefix + "_" + std::string(k), out);
    }
    return;
  }
  if (prefix.empty() || e.is_array() || e.is_null()) return;
  std::string v;
  if (e.is_string()) v = std::string(e.get_string().value());
  else v = simdjson::minify(e);
  out->push_back({prefix, v, "json"});
}

void Logfmt(std::string_view line, std::vector<DetectedField>* out) {
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') i++;
    size_t ks = i;
    while (i < line.size() && line[i] != '=' && line[i] != ' ') i++;
    std::string key(line.substr(ks, i - ks));
    if (i >= line.size() || line[i] != '=') continue;
    i++;
    std::string val;
    if (i < line.size() && line[i] == '"') {
      for (i++; i < line.size() && line[i] != '"'; i++) {
        if (line[i] == '\\' && i + 1 < line.size()) i++;
        val.push_back(line[i]);
      }
      i++;
    } else {
      size_t vs = i;
      while (i < line.size() && line[i] != ' ') i++;
      val = std::string(line.substr(vs, i - vs));
    }
    if (!key.empty() && IsValidLabelName(key)) out->push_back({key, val, "logfmt"});
  }
}

struct FieldInfo {
  std::string type;
  std::set<std::string> values;
  std::set<std::string> parsers;
};

// Runs the request's log query and gathers its fields.
Result<std::map<std::string, FieldInfo>> Gather(const QueryDeps& d, const http::Request& req) {
  auto tenant = ReadTenant(req, d);
  if (!tenant.ok()) return tenant.status();
  auto b = ParseBounds(req.params, NowNs(d));
  if (!b.ok()) return b.status();
  uint32_t line_limit = 100;
  if (std::string l = Param(req.params, "line_limit"); !l.empty()) line_limit = static_cast<uint32_t>(std::max(1L, std::atol(l.c_str())));
  query::Engine engine(d.reader, query::EngineOptions{0, 0, d.limits.max_query_series, d.parallelism});
  query::QueryRequest q{*tenant, Param(req.params, "query"), b->start_ns, b->end_ns, 0, 0, line_limit,
                        Direction::kBackward, false, true, req.cancel};
  auto r = engine.Exec(q);
  if (!r.ok()) return r.status();
  if (r->type != query::ResultType::kStreams) return Status::Invalid("detected_fields needs a log query");
  std::map<std::string, FieldInfo> fields;
  for (const auto& s : r->streams) {
    for (const auto& e : s.entries) {
      std::vector<DetectedField> found = DetectFields(e.line);
      for (const auto& m : e.metadata) found.push_back({m.name, m.value, ""});
      for (const auto& f : found) {
        FieldInfo& fi = fields[f.name];
        std::string t = DetectType(f.value);
        if (fi.type.empty() || (fi.type == "int" && t == "float")) fi.type = t;
        fi.values.insert(f.value);
        if (!f.parser.empty()) fi.parsers.insert(f.parser);
      }
    }
  }
  return fields;
}

void Fields(const QueryDeps& d, const http::Request& req, http::Response& res) {
  auto fields = Gather(d, req);
  if (!fields.ok()) return WriteError(res, fields.status());
  int64_t limit = 1000;
  if (std::string l = Param(req.params, "limit"); !l.empty()) limit = std::max(1L, std::atol(l.c_str()));
  JsonWriter w;
  w.Raw("{").Key("fields").Raw("[");
  int64_t n = 0;
  for (const auto& [name, fi] : *fields) {
    if (n >= limit) break;
    if (n++) w.Comma();
    w.Raw("{").Key("label").Str(name).Comma().Key("type").Str(fi.type).Comma();
    w.Key("cardinality").Int(static_cast<int64_t>(fi.values.size())).Comma().Key("parsers");
    if (fi.parsers.empty()) {
      w.Raw("null");
    } else {
      w.Raw("[");
      bool first = true;
      for (const auto& p : fi.parsers) { if (!first) w.Comma(); first = false; w.Str(p); }
      w.Raw("]");
    }
    w.Raw("}");
  }
  w.Raw("],").Key("limit").Int(limit).Raw("}");
  WriteJson(res, w.Take());
}

void FieldValues(const QueryDeps& d, const http::Request& req, http::Response& res) {
  auto fields = Gather(d, req);
  if (!fields.ok()) return WriteError(res, fields.status());
  int64_t limit = 1000;
  if (std::string l = Param(req.params, "limit"); !l.empty()) limit = std::max(1L, std::atol(l.c_str()));
  JsonWriter w;
  w.Raw("{").Key("values").Raw("[");
  auto it = fields->find(req.matches[1]);
  if (it != fields->end()) {
    int64_t n = 0;
    for (const auto& v : it->second.values) {
      if (n >= limit) break;
      if (n++) w.Comma();
      w.Str(v);
    }
  }
  w.Raw("],").Key("limit").Int(limit).Raw("}");
  WriteJson(res, w.Take());
}

}  // namespace

std::vector<DetectedField> DetectFields(std::string_view line) {
  std::vector<DetectedField> out;
  if (!line.empty() && line.front() == '{') {
    thread_local simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(line.data(), line.size()).get(doc) == simdjson::SUCCESS && doc.is_object()) {
      Flatten(doc, "", &out);
      return out;
    }
  }
  Logfmt(line, &out);
  return out;
}

std::string DetectType(std::string_view v) {
  int64_t i;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), i);
  if (!v.empty() && ec == std::errc() && p == v.data() + v.size()) return "int";
  double f;
  auto [p2, ec2] = std::from_chars(v.data(), v.data() + v.size(), f);
  if (!v.empty() && ec2 == std::errc() && p2 == v.data() + v.size()) return "float";
  if (v == "true" || v == "false" || v == "TRUE" || v == "FALSE" || v == "True" || v == "False") return "boolean";
  if (!v.empty() && ParseGoDuration(v).ok()) return "duration";
  if (!v.empty() && std::isdigit(static_cast<unsigned char>(v.front())) && ParseByteSize(v).ok()) return "bytes";
  return "string";
}

void RegisterDetectedFieldRoutes(http::Router& server, const QueryDeps& deps) {
  auto fields = [deps](const http::Request& q, http::Response& r) { Fields(deps, q, r); };
  auto values = [deps](const http::Request& q, http::Response& r) { FieldValues(deps, q, r); };
  const auto q = http::RouteClass::kQuery;
  server.Get("/loki/api/v1/detected_fields", fields, q);
  server.Post("/loki/api/v1/detected_fields", fields, q);
  server.Get("/loki/api/v1/detected_field/([^/]+)/values", values, q);
  server.Post("/loki/api/v1/detected_field/([^/]+)/values", values, q);
}

}  // namespace skald::api
