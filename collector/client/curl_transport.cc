// CurlTransport: server_name via URL rewrite + CURLOPT_CONNECT_TO, Go's proxy selection rules
// (prometheus/common's ProxyConfig) mapped onto CURLOPT_PROXY / CURLOPT_NOPROXY.
#include "collector/client/curl_transport.h"

#include <arpa/inet.h>
#include <curl/curl.h>

#include <cstdlib>
#include <memory>

namespace skald::client {

namespace {

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using UrlPtr = std::unique_ptr<CURLU, UrlDeleter>;

std::string Part(CURLU* u, CURLUPart part, unsigned flags = 0) {
  char* p = nullptr;
  if (curl_url_get(u, part, &p, flags) != CURLUE_OK || p == nullptr) return "";
  std::string s = p;
  curl_free(p);
  return s;
}

std::string Env(const char* upper, const char* lower) {
  const char* v = std::getenv(upper);
  if (v == nullptr || *v == '\0') v = std::getenv(lower);
  return v == nullptr ? "" : v;
}

// Go's httpproxy never proxies requests to localhost or a loopback address.
bool IsLoopback(std::string host) {
  if (host == "localhost") return true;
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  in_addr a4{};
  in6_addr a6{};
  if (inet_pton(AF_INET, host.c_str(), &a4) == 1) return (ntohl(a4.s_addr) >> 24) == 127;
  if (inet_pton(AF_INET6, host.c_str(), &a6) == 1) return IN6_IS_ADDR_LOOPBACK(&a6);
  return false;
}

}  // namespace

Result<CurlTransport> CurlTransport::Make(const std::string& base_url, const TlsClientConfig& tls,
                                          const ProxySettings& proxy) {
  UrlPtr u(curl_url());
  if (!u || curl_url_set(u.get(), CURLUPART_URL, base_url.c_str(), 0) != CURLUE_OK) {
    return Status::Invalid("cannot parse URL \"" + base_url + "\"");
  }
  CurlTransport t;
  t.tls_ = tls;
  t.https_ = Part(u.get(), CURLUPART_SCHEME) == "https";
  const std::string host = Part(u.get(), CURLUPART_HOST);
  t.url_ = base_url;
  if (t.https_ && !tls.server_name.empty() && tls.server_name != host) {
    const std::string port = Part(u.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
    const std::string given_port = Part(u.get(), CURLUPART_PORT);
    t.host_header_ = given_port.empty() ? host : host + ":" + given_port;
    t.connect_to_ = tls.server_name + ":" + port + ":" + host + ":" + port;
    if (curl_url_set(u.get(), CURLUPART_HOST, tls.server_name.c_str(), 0) != CURLUE_OK) {
      return Status::Invalid("tls_config.server_name \"" + tls.server_name + "\" is not a host name");
    }
    t.url_ = Part(u.get(), CURLUPART_URL);
    while (!base_url.ends_with('/') && t.url_.ends_with('/')) t.url_.pop_back();
  }
  if (proxy.from_environment) {
    t.proxy_ = t.https_ ? Env("HTTPS_PROXY", "https_proxy") : Env("HTTP_PROXY", "http_proxy");
    t.no_proxy_ = Env("NO_PROXY", "no_proxy");
  } else {
    t.proxy_ = proxy.url;
    t.no_proxy_ = proxy.no_proxy;
  }
  // prometheus/common uses Go's httpproxy rules (loopback bypass) whenever no_proxy or the
  // environment is involved; a bare proxy_url proxies every request.
  if ((proxy.from_environment || !proxy.no_proxy.empty()) && IsLoopback(host)) t.proxy_.clear();
  return t;
}

void CurlTransport::Apply(CURL* c, const std::string& suffix, curl_slist** headers,
                          curl_slist** connect_to) const {
  const std::string url = url_ + suffix;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  // "" disables libcurl's own http_proxy/HTTPS_PROXY lookup: Promtail ignores the environment
  // unless proxy_from_environment is set.
  curl_easy_setopt(c, CURLOPT_PROXY, proxy_.c_str());
  if (!proxy_.empty() && !no_proxy_.empty()) curl_easy_setopt(c, CURLOPT_NOPROXY, no_proxy_.c_str());
  if (!https_) return;
  if (!connect_to_.empty()) {
    *connect_to = curl_slist_append(*connect_to, connect_to_.c_str());
    curl_easy_setopt(c, CURLOPT_CONNECT_TO, *connect_to);
    *headers = curl_slist_append(*headers, ("Host: " + host_header_).c_str());
  }
  if (!tls_.ca_file.empty()) {
    curl_easy_setopt(c, CURLOPT_CAINFO, tls_.ca_file.c_str());
    curl_easy_setopt(c, CURLOPT_CAPATH, nullptr);  // only ca_file's CAs, as Go's RootCAs
#if LIBCURL_VERSION_NUM >= 0x075700
    // Each new connection reads ca_file again (Prometheus common reloads a changed CA file);
    // libcurl would otherwise cache the CA store for 24 h. Certificate/key files are read per
    // connection anyway.
    curl_easy_setopt(c, CURLOPT_CA_CACHE_TIMEOUT, 0L);
#endif
  }
  if (!tls_.cert_file.empty()) curl_easy_setopt(c, CURLOPT_SSLCERT, tls_.cert_file.c_str());
  if (!tls_.key_file.empty()) curl_easy_setopt(c, CURLOPT_SSLKEY, tls_.key_file.c_str());
  if (tls_.insecure_skip_verify) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
}

std::string CurlError(int code, const char* errbuf) {
  std::string s = curl_easy_strerror(static_cast<CURLcode>(code));
  if (errbuf != nullptr && *errbuf != '\0') s += std::string(": ") + errbuf;
  return s;
}

std::string CurlTransport::Describe(int code, const char* errbuf) const {
  std::string s = CurlError(code, errbuf);
  const auto rc = static_cast<CURLcode>(code);
  if (!https_ || (rc != CURLE_SEND_ERROR && rc != CURLE_RECV_ERROR && rc != CURLE_GOT_NOTHING)) return s;
  return s + (tls_.cert_file.empty()
                  ? " (TLS: the server may require a client certificate: tls_config.cert_file)"
                  : " (TLS: the server may have refused the client certificate " + tls_.cert_file + ")");
}

}  // namespace skald::client
