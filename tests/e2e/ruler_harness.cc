// Ruler e2e harness: Alertmanager with clustering off (`--cluster.listen-address=`), Prometheus with
// the remote-write receiver, and skald-store configured from a small YAML written per test.
#include "tests/e2e/ruler_harness.h"

#include <httplib.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

namespace skald::e2e {

bool HaveBinary(const std::string& path) {
  if (access(path.c_str(), X_OK) == 0) return true;
  std::fprintf(stderr, "SKIPPED: %s is not installed (scripts/install-deps.sh installs it)\n", path.c_str());
  return false;
}

std::string HttpGetBody(int port, const std::string& path) {
  httplib::Client cli("127.0.0.1", port);
  cli.set_connection_timeout(2, 0);
  cli.set_read_timeout(5, 0);
  auto res = cli.Get(path);
  return res && res->status == 200 ? res->body : std::string();
}

bool WaitHttp200(int port, const std::string& path, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    httplib::Client cli("127.0.0.1", port);
    cli.set_connection_timeout(0, 200000);
    auto res = cli.Get(path);
    if (res && res->status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

Peer StartAlertmanager(const std::string& dir, const std::string& log, int port) {
  std::filesystem::create_directories(dir + "/am-data");
  WriteFile(dir + "/am.yml",
            "route:\n  receiver: blackhole\n  group_wait: 1s\n  group_interval: 1s\n"
            "receivers:\n  - name: blackhole\n");
  Peer p;
  p.port = port != 0 ? port : FreePort();
  p.proc = std::make_unique<Process>(
      std::vector<std::string>{"/usr/bin/prometheus-alertmanager", "--config.file=" + dir + "/am.yml",
                               "--storage.path=" + dir + "/am-data",
                               "--web.listen-address=127.0.0.1:" + std::to_string(p.port),
                               "--cluster.listen-address="},
      log);
  return p;
}

Peer StartPrometheus(const std::string& dir, const std::string& log) {
  std::filesystem::create_directories(dir + "/prom-data");
  WriteFile(dir + "/prom.yml", "global:\n  scrape_interval: 1m\nscrape_configs: []\n");
  Peer p;
  p.port = FreePort();
  p.proc = std::make_unique<Process>(
      std::vector<std::string>{"/usr/bin/prometheus", "--config.file=" + dir + "/prom.yml",
                               "--storage.tsdb.path=" + dir + "/prom-data",
                               "--web.listen-address=127.0.0.1:" + std::to_string(p.port),
                               "--web.enable-remote-write-receiver"},
      log);
  return p;
}

Peer StartStoreWithRuler(const std::string& dir, const std::string& ruler_extra, const std::string& log) {
  Peer p;
  p.port = FreePort();
  WriteFile(dir + "/store.yaml",
            "auth_enabled: false\nserver:\n  http_listen_port: " + std::to_string(p.port) +
                "\ncommon:\n  path_prefix: " + dir + "/data\n"
                "ruler:\n  storage:\n    type: local\n    local:\n      directory: " + dir + "/rules\n"
                "  rule_path: " + dir + "/rules-temp\n  enable_api: true\n"
                "  evaluation_interval: 1s\n  poll_interval: 1s\n  resend_delay: 1s\n" + ruler_extra);
  p.proc = std::make_unique<Process>(
      std::vector<std::string>{BinPath("skald-store"), "-config.file=" + dir + "/store.yaml"}, log);
  return p;
}

bool PushLines(int port, const std::string& labels_json, const std::string& line, int n) {
  const int64_t now = NowNs();
  std::string values;
  for (int i = 0; i < n; ++i) {
    if (i) values += ",";
    values += "[\"" + std::to_string(now - (n - i) * 1000) + "\",\"" + line + " " + std::to_string(i) + "\"]";
  }
  const std::string body = "{\"streams\":[{\"stream\":" + labels_json + ",\"values\":[" + values + "]}]}";
  httplib::Client cli("127.0.0.1", port);
  auto res = cli.Post("/loki/api/v1/push", body, "application/json");
  return res && res->status == 204;
}

}  // namespace skald::e2e
