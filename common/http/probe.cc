// Client-side probes of a running server (see http_server.h): one GET with a timeout, and the
// binaries' -health exit code.
#include <httplib.h>

#include "common/http/http_server.h"

namespace skald {

int ReadyProbeExitCode(std::string listen_address, int port) {
  if (listen_address.empty() || listen_address == "0.0.0.0" || listen_address == "::") listen_address = "127.0.0.1";
  return HttpGetStatus(listen_address, port, "/ready", 5000) == 200 ? 0 : 1;
}

int HttpGetStatus(const std::string& host, int port, const std::string& path, int timeout_ms,
                  std::string* body) {
  httplib::Client cli(host, port);
  auto t = std::chrono::milliseconds(timeout_ms);
  cli.set_connection_timeout(t);
  cli.set_read_timeout(t);
  cli.set_write_timeout(t);
  auto res = cli.Get(path);
  if (!res) return 0;
  if (body) *body = res->body;
  return res->status;
}

}  // namespace skald
