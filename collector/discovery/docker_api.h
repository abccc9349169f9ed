// DockerApi: the Docker Engine API over its unix socket (or tcp) with libcurl: GET requests and the
// `/events` stream, which runs until its callback or Cancel() says stop.
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "collector/client/curl_transport.h"
#include "collector/collector_config.h"
#include "common/status.h"

namespace skald::discovery {

// Not thread-safe except Cancel(); use one instance per thread.
class DockerApi {
 public:
  // host: `unix:///var/run/docker.sock`, `tcp://h:p`, `http://h:p` or `https://h:p`. TLS (with
  // `tls`) for https://, and for tcp:// when `tls` sets anything (the docker CLI's --tlsverify
  // convention; Promtail would ignore tls_config there and speak plain HTTP).
  explicit DockerApi(std::string host, const TlsClientConfig& tls = {});
  ~DockerApi();

  // GET `path_and_query` (e.g. "/containers/json"); the body on 2xx, else an error with the status.
  Result<std::string> Get(const std::string& path_and_query, long timeout_ms = 10000);
  // Streams newline-delimited JSON objects from `path_and_query` to `on_line` until Cancel(), the
  // server closes, or an error. `on_open` (optional) runs once the daemon answered 2xx, i.e. the
  // stream is connected. Returns the reason it ended (a non-2xx answer is an error).
  Status Stream(const std::string& path_and_query, const std::function<void(std::string_view)>& on_line,
                const std::function<void()>& on_open = {});
  void Cancel() { cancelled_ = true; }

  // URL-encodes a Docker `filters` JSON value for a query string.
  static std::string Escape(const std::string& s);

 private:
  // Sets URL, socket/TLS/proxy options; `*connect_to` freed by the caller after the transfer.
  Status Prepare(const std::string& path_and_query, curl_slist** headers, curl_slist** connect_to);

  std::string socket_, base_;
  Result<client::CurlTransport> transport_ = Status::Invalid("unset");
  void* curl_;
  char errbuf_[256] = {0};  // CURL_ERROR_SIZE
  std::atomic<bool> cancelled_{false};
};

}  // namespace skald::discovery
