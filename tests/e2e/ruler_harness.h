// Test harness for the ruler's end-to-end tests: a real Debian Alertmanager / Prometheus on free
// loopback ports with private storage, a skald-store with a rules directory, and JSON pushes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/e2e/process.h"

namespace skald::e2e {

// True when the binary exists and is executable; else prints why the test is skipped.
bool HaveBinary(const std::string& path);

// GET http://127.0.0.1:port/path; the body, or "" when not 200.
std::string HttpGetBody(int port, const std::string& path);
// Polls GET path until 200 (up to timeout).
bool WaitHttp200(int port, const std::string& path, int timeout_ms);

// A real peer (alertmanager or prometheus) started in its own directory under `dir`.
struct Peer {
  int port = 0;
  std::unique_ptr<Process> proc;
};
// port 0 picks a free port.
Peer StartAlertmanager(const std::string& dir, const std::string& log, int port = 0);
Peer StartPrometheus(const std::string& dir, const std::string& log);

// skald-store with auth disabled, its data dir and rules under dir, and extra `ruler:` keys.
Peer StartStoreWithRuler(const std::string& dir, const std::string& ruler_extra, const std::string& log);

// POST /loki/api/v1/push (JSON) of `n` lines stamped now into one stream.
bool PushLines(int port, const std::string& labels_json, const std::string& line, int n);

}  // namespace skald::e2e
