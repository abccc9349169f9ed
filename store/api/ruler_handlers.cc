// Ruler API handlers: YAML config routes backed by the RuleStore (edits reload the ruler at once)
// and the Prometheus-compatible JSON views of loaded groups, rule health and active alerts.
#include "store/api/ruler_handlers.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <mutex>

#include "common/time_util.h"
#include "store/api/query_handlers.h"
#include "store/api/response_json.h"
#include "store/ruler/ruler.h"

namespace skald::api {
namespace {

using ruler::RuleGroupDesc;

constexpr const char* kYaml = "application/yaml";
constexpr const char* kAccepted = R"({"status":"success","data":null,"errorType":"","error":""})";

void WriteYaml(http::Response& res, const YAML::Emitter& e) {
  res.status = 200;
  res.set_content(std::string(e.c_str()) + "\n", kYaml);
}

void EmitNamespace(YAML::Emitter& e, const std::string& ns, const std::vector<RuleGroupDesc>& groups) {
  e << YAML::Key << ns << YAML::Value << YAML::BeginSeq;
  for (const RuleGroupDesc& g : groups) ruler::EmitGroup(e, g);
  e << YAML::EndSeq;
}

void GetRules(ruler::Ruler* r, const std::string& tenant, const std::string& ns,
              const std::string& group, http::Response& res) {
  auto all = r->store().Groups(tenant);
  if (!all.ok()) return WriteError(res, all.status());
  if (all->empty() || (!ns.empty() && !all->count(ns)))
    return WriteError(res, Status::NotFound("no rule groups found"));
  YAML::Emitter e;
  if (!group.empty()) {
    for (const RuleGroupDesc& g : all->at(ns)) {
      if (g.name != group) continue;
      ruler::EmitGroup(e, g);
      return WriteYaml(res, e);
    }
    return WriteError(res, Status::NotFound("group does not exist"));
  }
  e << YAML::BeginMap;
  for (const auto& [name, groups] : *all)
    if (ns.empty() || name == ns) EmitNamespace(e, name, groups);
  e << YAML::EndMap;
  WriteYaml(res, e);
}

void Accepted(ruler::Ruler* r, const Status& st, http::Response& res) {
  if (!st.ok()) return WriteError(res, st);
  r->ReloadNow();
  res.status = 202;
  res.set_content(kAccepted, "application/json");
}

void RegisterConfigRoutes(http::Router& s, ruler::Ruler* r, bool auth, const std::string& base) {
  auto tenant_or = [auth](const http::Request& req, http::Response& res, std::string* t) {
    auto tenant = ReadSingleTenant(req, auth);
    if (!tenant.ok()) { WriteError(res, tenant.status()); return false; }
    *t = *tenant;
    return true;
  };
  auto get = [=](const http::Request& req, http::Response& res) {
    std::string t;
    if (!tenant_or(req, res, &t)) return;
    std::string ns = req.matches.size() > 1 ? req.matches[1].str() : "";
    std::string group = req.matches.size() > 2 ? req.matches[2].str() : "";
    GetRules(r, t, ns, group, res);
  };
  s.Get(base, get);
  s.Get(base + "/([^/]+)", get);
  s.Get(base + "/([^/]+)/([^/]+)", get);
  s.Post(base + "/([^/]+)", [=](const http::Request& req, http::Response& res) {
    std::string t;
    if (!tenant_or(req, res, &t)) return;
    auto g = ruler::ParseRuleGroupYaml(req.body);
    if (!g.ok()) return WriteError(res, g.status());
    std::lock_guard<std::mutex> lock(r->edit_mutex());
    Accepted(r, r->store().SetGroup(t, req.matches[1].str(), *g), res);
  });
  s.Delete(base + "/([^/]+)", [=](const http::Request& req, http::Response& res) {
    std::string t;
    if (!tenant_or(req, res, &t)) return;
    std::lock_guard<std::mutex> lock(r->edit_mutex());
    Accepted(r, r->store().DeleteNamespace(t, req.matches[1].str()), res);
  });
  s.Delete(base + "/([^/]+)/([^/]+)", [=](const http::Request& req, http::Response& res) {
    std::string t;
    if (!tenant_or(req, res, &t)) return;
    std::lock_guard<std::mutex> lock(r->edit_mutex());
    Accepted(r, r->store().DeleteGroup(t, req.matches[1].str(), req.matches[2].str()), res);
  });
}

// Prometheus prints alert values with strconv.FormatFloat(v, 'e', 10, 64): "1.2500000000e+01".
std::string FormatValueE(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific, 10);
  return std::string(buf, r.ptr);
}

void WritePairs(JsonWriter& w, const ruler::StringPairs& p) {
  w.Raw("{");
  for (size_t i = 0; i < p.size(); ++i) {
    if (i) w.Comma();
    w.Key(p[i].first).Str(p[i].second);
  }
  w.Raw("}");
}

void WriteAlert(JsonWriter& w, const ruler::Alert& a) {
  w.Raw("{").Key("labels").Labels(a.labels).Comma().Key("annotations");
  WritePairs(w, a.annotations);
  w.Comma().Key("state").Str(ruler::AlertStateName(a.state)).Comma().Key("activeAt")
      .Str(FormatRFC3339Nano(a.active_at_ns)).Comma().Key("value").Str(FormatValueE(a.value)).Raw("}");
}

std::string Seconds(double s) { return FormatGoFloat(s); }

// Go's zero time.Time for rules that were never evaluated.
std::string Rfc3339(int64_t ns) { return ns == 0 ? "0001-01-01T00:00:00Z" : FormatRFC3339Nano(ns); }

void WriteRule(JsonWriter& w, const ruler::RuleSnapshot& s) {
  const ruler::RuleDesc& d = s.desc;
  w.Raw("{");
  if (d.IsAlert()) {
    w.Key("state").Str(ruler::AlertStateName(s.state)).Comma().Key("name").Str(d.alert).Comma()
        .Key("query").Str(d.expr).Comma().Key("duration").Raw(Seconds(d.for_ns / 1e9)).Comma()
        .Key("keepFiringFor").Raw(Seconds(d.keep_firing_for_ns / 1e9)).Comma().Key("labels");
    WritePairs(w, d.labels);
    w.Comma().Key("annotations");
    WritePairs(w, d.annotations);
    w.Comma().Key("alerts").Raw("[");
    for (size_t i = 0; i < s.alerts.size(); ++i) {
      if (i) w.Comma();
      WriteAlert(w, s.alerts[i]);
    }
    w.Raw("]").Comma();
  } else {
    w.Key("name").Str(d.record).Comma().Key("query").Str(d.expr).Comma().Key("labels");
    WritePairs(w, d.labels);
    w.Comma();
  }
  w.Key("health").Str(s.status.health).Comma().Key("lastError").Str(s.status.last_error).Comma()
      .Key("evaluationTime").Raw(Seconds(s.status.eval_seconds)).Comma().Key("lastEvaluation")
      .Str(Rfc3339(s.status.last_eval_ns)).Comma().Key("type")
      .Str(d.IsAlert() ? "alerting" : "recording").Raw("}");
}

void PromRules(ruler::Ruler* r, const std::string& tenant, const std::string& type, http::Response& res) {
  JsonWriter w;
  w.Raw(R"({"status":"success","data":{"groups":[)");
  bool first_group = true;
  for (const auto& g : r->Groups(tenant)) {
    if (!first_group) w.Comma();
    first_group = false;
    w.Raw("{").Key("name").Str(g->desc().name).Comma().Key("file").Str(g->ns()).Comma().Key("rules").Raw("[");
    bool first = true;
    for (const ruler::RuleSnapshot& s : g->Snapshot()) {
      if ((type == "alert" && !s.desc.IsAlert()) || (type == "record" && s.desc.IsAlert())) continue;
      if (!first) w.Comma();
      first = false;
      WriteRule(w, s);
    }
    w.Raw("]").Comma().Key("interval").Raw(Seconds(g->interval_ns() / 1e9)).Comma().Key("limit")
        .Int(g->desc().limit).Comma().Key("evaluationTime").Raw(Seconds(g->last_duration_s())).Comma()
        .Key("lastEvaluation").Str(Rfc3339(g->last_eval_ns())).Raw("}");
  }
  w.Raw("]}}");
  WriteJson(res, w.Take());
}

void PromAlerts(ruler::Ruler* r, const std::string& tenant, http::Response& res) {
  JsonWriter w;
  w.Raw(R"({"status":"success","data":{"alerts":[)");
  bool first = true;
  for (const auto& g : r->Groups(tenant)) {
    for (const ruler::RuleSnapshot& s : g->Snapshot()) {
      for (const ruler::Alert& a : s.alerts) {
        if (!first) w.Comma();
        first = false;
        WriteAlert(w, a);
      }
    }
  }
  w.Raw("]}}");
  WriteJson(res, w.Take());
}

}  // namespace

void RegisterRulerRoutes(http::Router& server, ruler::Ruler* r, bool auth_enabled, bool enable_api) {
  if (enable_api) {
    RegisterConfigRoutes(server, r, auth_enabled, "/loki/api/v1/rules");
    RegisterConfigRoutes(server, r, auth_enabled, "/api/prom/rules");
  }
  auto rules = [=](const http::Request& req, http::Response& res) {
    auto t = ReadSingleTenant(req, auth_enabled);
    if (!t.ok()) return WriteError(res, t.status());
    PromRules(r, *t, req.get_param_value("type"), res);
  };
  auto alerts = [=](const http::Request& req, http::Response& res) {
    auto t = ReadSingleTenant(req, auth_enabled);
    if (!t.ok()) return WriteError(res, t.status());
    PromAlerts(r, *t, res);
  };
  for (const char* p : {"/prometheus/api/v1/rules", "/api/prom/api/v1/rules"}) server.Get(p, rules);
  for (const char* p : {"/prometheus/api/v1/alerts", "/api/prom/api/v1/alerts"}) server.Get(p, alerts);
}

}  // namespace skald::api
