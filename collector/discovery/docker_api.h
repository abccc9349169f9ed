// DockerApi: the Docker Engine API over its unix socket (or tcp) with libcurl: GET requests and the
// `/events` stream, which runs until its callback or Cancel() says stop.
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "common/status.h"

namespace skald::discovery {

// Not thread-safe except Cancel(); use one instance per thread.
class DockerApi {
 public:
  // host: `unix:///var/run/docker.sock` or `tcp://h:p` / `http://h:p`.
  explicit DockerApi(std::string host);
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
  std::string socket_, base_;
  void* curl_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace skald::discovery
