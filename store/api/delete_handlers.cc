// Delete API handlers: parameter validation with Loki's messages, the request list as JSON with
// float-second times, cancellation within delete_request_cancel_period.
#include "store/api/delete_handlers.h"

#include <chrono>
#include <cstdio>
#include <limits>

#include "common/json_quote.h"
#include "common/logger.h"
#include "common/metrics.h"
#include "common/time_util.h"
#include "store/api/query_handlers.h"

namespace skald::api {
namespace {

// Prometheus model.Time as JSON: seconds with 3 decimals.
std::string Seconds(int64_t ns) {
  int64_t ms = ns / 1000000;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%lld.%03lld", static_cast<long long>(ms / 1000), static_cast<long long>(ms % 1000));
  return buf;
}

int64_t Now(const DeleteDeps& d) {
  if (d.now_ns) return d.now_ns();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

void Text(http::Response& res, int code, const std::string& msg) {
  res.status = code;
  res.set_content(msg, "text/plain; charset=utf-8");
}

void Create(const DeleteDeps& d, const std::string& tenant, const http::Request& req, http::Response& res) {
  std::string query = req.get_param_value("query");
  if (query.empty()) return Text(res, 400, "query not set");
  if (req.get_param_value("start").empty()) return Text(res, 400, "start time not set");
  auto start = ParseDeleteTime(req.get_param_value("start"));
  if (!start.ok()) return Text(res, 400, "invalid start time: require unix seconds or RFC3339 format");
  int64_t now = Now(d), end = now;
  if (!req.get_param_value("end").empty()) {
    auto e = ParseDeleteTime(req.get_param_value("end"));
    if (!e.ok()) return Text(res, 400, "invalid end time: require unix seconds or RFC3339 format");
    if (*e > now) return Text(res, 400, "deletes in the future are not allowed");
    end = *e;
  }
  if (*start > end) return Text(res, 400, "start time can't be greater than end time");
  auto r = d.requests->Add(tenant, query, *start, end, now);
  if (!r.ok()) {
    int code = r.status().code() == Code::kInvalidArgument ? 400 : 500;
    return Text(res, code, code == 400 ? "invalid query expression: " + r.status().message() : r.status().message());
  }
  SKALD_LOG(info, "delete request created", {{"request_id", r->id}, {"tenant", tenant}, {"query", query}});
  // Registered by the compactor too (same name, type and label: the registry returns one family).
  static metrics::CounterVec& received = metrics::Registry::Default().NewCounterVec(
      "loki_compactor_delete_requests_received_total", "Delete requests received per user.", {"user"});
  received.WithLabelValues({tenant}).Inc();
  res.set_header("X-Delete-Request-ID", r->id);
  res.status = 204;
}

void List(const DeleteDeps& d, const std::string& tenant, http::Response& res) {
  auto rs = d.requests->List(tenant);
  if (!rs.ok()) return Text(res, 500, rs.status().message());
  std::string body = "[";
  for (const auto& r : *rs) {
    if (body.size() > 1) body += ",";
    body += "{\"request_id\":" + JsonQuote(r.id) + ",\"start_time\":" + Seconds(r.start_ns) +
            ",\"end_time\":" + Seconds(r.end_ns) + ",\"query\":" + JsonQuote(r.query) +
            ",\"status\":" + JsonQuote(r.status) + ",\"created_at\":" + Seconds(r.created_ns) + "}";
  }
  res.status = 200;
  res.set_content(body + "]", "application/json");
}

void Cancel(const DeleteDeps& d, const std::string& tenant, const http::Request& req, http::Response& res) {
  std::string id = req.get_param_value("request_id");
  if (id.empty()) return Text(res, 400, "could not find delete request with given id");
  Status st = d.requests->Cancel(tenant, id, Now(d), d.cancel_period_ns);
  if (st.code() == Code::kNotFound) return Text(res, 404, st.message());
  if (!st.ok()) return Text(res, st.code() == Code::kInvalidArgument ? 400 : 500, st.message());
  SKALD_LOG(info, "delete request cancelled", {{"request_id", id}, {"tenant", tenant}});
  res.status = 204;
}

}  // namespace

Result<int64_t> ParseDeleteTime(const std::string& v) {
  bool digits = !v.empty();
  for (char c : v) digits = digits && c >= '0' && c <= '9';
  if (digits) {
    if (v.size() != 10) return Status::Invalid("want unix seconds (10 digits)");
    // Past 2262 (9223372036 s) nanoseconds do not fit: saturate, so the range checks answer as Loki's.
    const int64_t secs = std::stoll(v);
    constexpr int64_t kMaxSecs = std::numeric_limits<int64_t>::max() / 1000000000LL;
    return secs > kMaxSecs ? std::numeric_limits<int64_t>::max() : secs * 1000000000LL;
  }
  return ParseRFC3339(v);
}

void RegisterDeleteRoutes(http::Router& server, DeleteDeps deps) {
  auto handler = [deps](const http::Request& req, http::Response& res) {
    if (deps.requests == nullptr) return Text(res, 400, "Retention is not enabled");
    auto tenant = ReadSingleTenant(req, deps.auth_enabled);
    if (!tenant.ok()) return WriteError(res, tenant.status());
    if (deps.mode && deps.mode(*tenant) == retention::DeletionMode::kDisabled)
      return Text(res, 403, std::string(retention::kDeletionNotAvailable));
    if (req.method == "GET") return List(deps, *tenant, res);
    if (req.method == "DELETE") return Cancel(deps, *tenant, req, res);
    Create(deps, *tenant, req, res);
  };
  for (const char* path : {"/loki/api/v1/delete", "/loki/api/admin/delete"}) {
    server.Post(path, handler);
    server.Put(path, handler);
    server.Get(path, handler);
    server.Delete(path, handler);
  }
}

}  // namespace skald::api
