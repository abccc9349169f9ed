// Push handler: tenant, bounded body read (decompressed by httplib for gzip/deflate), then the
// distributor; maps its outcome to the HTTP answer.
#include "store/api/push_handler.h"

#include <charconv>

#include "store/ingest/tenant.h"

namespace skald::api {

namespace {

struct BodyRead {
  std::string body;
  bool too_large = false;
  bool ok = true;
};

// Reads the (already decompressed) body, stopping past `limit` bytes.
BodyRead ReadBody(const httplib::ContentReader& reader, int64_t limit) {
  BodyRead r;
  r.ok = reader([&](const char* data, size_t n) {
    if (static_cast<int64_t>(r.body.size() + n) > limit) {
      r.too_large = true;
      return false;
    }
    r.body.append(data, n);
    return true;
  });
  return r;
}

int64_t ContentLength(const httplib::Request& req) {
  std::string v = req.get_header_value("Content-Length");
  int64_t n = 0;
  std::from_chars(v.data(), v.data() + v.size(), n);
  return n;
}

// httplib inflates gzip/deflate bodies itself when built with zlib; the decoder must not again.
std::string EffectiveEncoding(const httplib::Request& req) {
  std::string enc = req.get_header_value("Content-Encoding");
#ifdef CPPHTTPLIB_ZLIB_SUPPORT
  if (enc == "gzip" || enc == "deflate") enc.clear();
#endif
  return enc;
}

void HandlePush(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader,
                ingest::Distributor& dist, bool auth_enabled, bool legacy) {
  auto tenant = ingest::ResolvePushTenant(auth_enabled, req.get_header_value("X-Scope-OrgID"));
  if (!tenant.ok()) {
    res.set_header("Connection", "close");  // the body stays unread
    WritePlainError(res, tenant.status().code() == Code::kUnauthorized ? 401 : 400, tenant.status().message());
    return;
  }
  std::string enc = req.get_header_value("Content-Encoding");
  if (!enc.empty() && enc != "snappy" && enc != "gzip" && enc != "deflate") {
    res.set_header("Connection", "close");  // not read: httplib would try to decode it
    WritePlainError(res, 400, "Content-Encoding \"" + enc + "\" not supported");
    return;
  }
  int64_t limit = dist.limits().max_push_body_bytes;
  BodyRead body = ReadBody(reader, limit);
  if (body.too_large || res.status == 413) {
    res.set_header("Connection", "close");
    int64_t size = body.too_large ? static_cast<int64_t>(body.body.size()) + 1 : ContentLength(req);
    WritePlainError(res, 413, "request body too large: " + std::to_string(size) + " bytes, limit: " +
                                  std::to_string(limit) + " bytes");
    return;
  }
  if (!body.ok) {
    res.set_header("Connection", "close");
    // Go's texts for a body that does not inflate (or a connection cut short).
    WritePlainError(res, 400, enc == "gzip" ? "gzip: invalid header" : enc == "deflate" ? "zlib: invalid header"
                                                                                       : "unexpected EOF");
    return;
  }
  ingest::PushBodyInfo info;
  info.content_type = req.get_header_value("Content-Type");
  info.content_encoding = EffectiveEncoding(req);
  info.legacy = legacy;
  info.max_decoded_bytes = limit;
  ingest::PushOutcome out = dist.Push(*tenant, body.body, info);
  if (out.http_status == 204) {
    res.status = 204;
    return;
  }
  WritePlainError(res, out.http_status, out.message);
}

}  // namespace

void WritePlainError(httplib::Response& res, int status, const std::string& msg) {
  res.status = status;
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_content(msg + "\n", "text/plain; charset=utf-8");
}

void RegisterPushRoutes(httplib::Server& server, ingest::Distributor& dist, bool auth_enabled) {
  server.set_payload_max_length(static_cast<size_t>(dist.limits().max_push_body_bytes));
  ingest::Distributor* d = &dist;
  auto route = [d, auth_enabled](bool legacy) {
    return [d, auth_enabled, legacy](const httplib::Request& req, httplib::Response& res,
                                     const httplib::ContentReader& reader) {
      HandlePush(req, res, reader, *d, auth_enabled, legacy);
    };
  };
  server.Post("/loki/api/v1/push", route(false));
  server.Post("/api/prom/push", route(true));
}

}  // namespace skald::api
