// Push handler: tenant, then the distributor on the body the server read (bounded by
// max_push_body_bytes; Content-Encoding is the decoder's); maps its outcome to the HTTP answer.
#include "store/api/push_handler.h"

#include "store/ingest/tenant.h"

namespace skald::api {

namespace {

void HandlePush(const http::Request& req, http::Response& res, ingest::Distributor& dist, bool auth_enabled,
                bool legacy) {
  auto tenant = ingest::ResolvePushTenant(auth_enabled, req.org_id());
  if (!tenant.ok()) {
    WritePlainError(res, tenant.status().code() == Code::kUnauthorized ? 401 : 400, tenant.status().message());
    return;
  }
  std::string enc = req.get_header_value("Content-Encoding");
  if (!enc.empty() && enc != "snappy" && enc != "gzip" && enc != "deflate") {
    WritePlainError(res, 400, "Content-Encoding \"" + enc + "\" not supported");
    return;
  }
  // The server enforced max_push_body_bytes on the received body; the decoder enforces it again
  // on the inflated one (gzip/deflate/snappy).
  const int64_t limit = dist.limits().max_push_body_bytes;
  ingest::PushBodyInfo info;
  info.content_type = req.get_header_value("Content-Type");
  info.content_encoding = enc;
  info.legacy = legacy;
  info.max_decoded_bytes = limit;
  ingest::PushOutcome out = dist.Push(*tenant, req.body, info);
  if (out.http_status == 204) {
    res.status = 204;
    return;
  }
  WritePlainError(res, out.http_status, out.message);
}

}  // namespace

void WritePlainError(http::Response& res, int status, const std::string& msg) {
  res.status = status;
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_content(msg + "\n", "text/plain; charset=utf-8");
}

void RegisterPushRoutes(http::Router& server, ingest::Distributor& dist, bool auth_enabled) {
  ingest::Distributor* d = &dist;
  auto route = [d, auth_enabled](bool legacy) {
    return [d, auth_enabled, legacy](const http::Request& req, http::Response& res) {
      HandlePush(req, res, *d, auth_enabled, legacy);
    };
  };
  server.SetRouteBodyLimit(static_cast<size_t>(dist.limits().max_push_body_bytes));
  server.Post("/loki/api/v1/push", route(false), http::RouteClass::kIngest);
  server.Post("/api/prom/push", route(true), http::RouteClass::kIngest);
  server.SetRouteBodyLimit(0);
}

}  // namespace skald::api
