// CurlTransport: Promtail's outgoing-connection settings (tls_config with server_name, proxy_url,
// no_proxy, proxy_from_environment) applied to a libcurl handle; used by clients and docker_sd.
#pragma once

#include <string>

#include "collector/collector_config.h"
#include "common/status.h"

typedef void CURL;  // NOLINT: libcurl's own typedef, kept out of this header
struct curl_slist;

namespace skald::client {

struct ProxySettings {
  std::string url, no_proxy;
  bool from_environment = false;
};

// Immutable once made; Apply may be called from any thread on handles it does not share.
class CurlTransport {
 public:
  // `base_url`: http(s)://host[:port][/path]. tls applies to https only (as in Go). With
  // server_name, curl is pointed at https://<server_name>:port with CONNECT_TO to the real
  // host:port, so SNI and certificate verification use server_name while the Host header and
  // the TCP connection keep the URL's host (what Go's tls.Config.ServerName does).
  static Result<CurlTransport> Make(const std::string& base_url, const TlsClientConfig& tls,
                                    const ProxySettings& proxy);

  // Sets URL (= base + suffix), TLS and proxy options on `c`; appends a Host header to
  // `*headers` when server_name rewrote the URL. `*connect_to` must outlive the transfer.
  void Apply(CURL* c, const std::string& suffix, curl_slist** headers,
             curl_slist** connect_to) const;

  // CurlError plus, for an https connection dropped after the handshake (how a TLS 1.3 server
  // refuses a client certificate), a hint naming the client certificate.
  std::string Describe(int code, const char* errbuf) const;

  const std::string& url() const { return url_; }
  // The proxy chosen for this URL ("" = direct), after no_proxy/loopback rules; for logs.
  const std::string& proxy() const { return proxy_; }

 private:
  std::string url_;           // what curl requests (host possibly rewritten to server_name)
  std::string host_header_;   // non-empty when rewritten: the original authority
  std::string connect_to_;    // "server_name:port:host:port"
  std::string proxy_, no_proxy_;
  TlsClientConfig tls_;
  bool https_ = false;
};

// A curl error with the detail of CURLOPT_ERRORBUFFER when it has any.
std::string CurlError(int code, const char* errbuf);

}  // namespace skald::client
