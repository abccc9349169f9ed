// The request and response a route handler sees: plain values, filled by the event-driven server
// (common/http/http_server.h) and independent of how bytes reach the socket.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <string_view>

#include "common/cancel.h"

namespace skald::http {

// Header names compare case-insensitively (RFC 9110); repeated headers keep their order.
struct CaseInsensitiveLess {
  bool operator()(const std::string& a, const std::string& b) const;
};
using Headers = std::multimap<std::string, std::string, CaseInsensitiveLess>;
// Query string and form body parameters, percent-decoded; repeated keys keep their order.
using Params = std::multimap<std::string, std::string>;

struct Request {
  std::string method;   // "GET", "POST", ... (HEAD is served by the GET route)
  std::string target;   // as received: path and query string
  std::string path;     // percent-decoded path without the query string
  Headers headers;
  Params params;        // query string, plus an application/x-www-form-urlencoded body
  std::string body;     // as received (Content-Encoding is the handler's business)
  std::smatch matches;  // the route pattern's groups, over `path`
  std::string remote_addr;
  int remote_port = 0;
  int local_port = 0;
  // Set when the client goes away or the server's write timeout passes: long work should stop.
  std::shared_ptr<const CancelFlag> cancel;
  // Set by an authentication guard (store/auth) when the request names no tenant and its
  // credential allows exactly one: handlers read the tenant through org_id().
  mutable std::string tenant_override;

  // X-Scope-OrgID, or tenant_override when that is set.
  std::string org_id() const {
    return tenant_override.empty() ? get_header_value("X-Scope-OrgID") : tenant_override;
  }
  bool has_header(const std::string& name) const { return headers.count(name) > 0; }
  std::string get_header_value(const std::string& name, const std::string& def = "") const;
  bool has_param(const std::string& key) const { return params.count(key) > 0; }
  std::string get_param_value(const std::string& key) const;  // first value, or ""
  bool cancelled() const { return cancel && cancel->cancelled(); }
};

// Streams a response body from a worker thread. write() blocks while too much is queued for the
// socket and returns false once the connection is gone; done() ends the body.
class DataSink {
 public:
  virtual ~DataSink() = default;
  virtual bool write(const char* data, size_t n) = 0;
  virtual bool is_writable() const = 0;
  virtual void done() = 0;
};
// Called repeatedly until it calls sink.done() or returns false (abort: the connection is closed).
using ChunkedProvider = std::function<bool(size_t offset, DataSink& sink)>;
// Called once when the stream ends; `success` is false when it was cut short.
using ProviderReleaser = std::function<void(bool success)>;

class WebSocketHandler;  // common/http/websocket.h

struct Response {
  int status = -1;  // -1: 200 when the handler set a body or a provider, else 200 with no body
  Headers headers;
  std::string body;
  ChunkedProvider provider;         // set: the body is streamed with chunked encoding
  ProviderReleaser releaser;
  std::shared_ptr<WebSocketHandler> websocket;  // set: the connection is upgraded (101)

  void set_header(const std::string& name, const std::string& value);
  bool has_header(const std::string& name) const { return headers.count(name) > 0; }
  std::string get_header_value(const std::string& name) const;
  void set_content(std::string content, const std::string& content_type);
  void set_chunked_content_provider(const std::string& content_type, ChunkedProvider p,
                                    ProviderReleaser releaser = nullptr);
};

}  // namespace skald::http
