// Raw-socket connection floods against a real HTTP server: idle keep-alive clients (one answered
// request, then silence) and slow-header clients (a partial request, then 1 byte per tick, forever).
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace skald::e2e {

using SteadyTime = std::chrono::steady_clock::time_point;

// Raises this process's RLIMIT_NOFILE soft limit to its hard limit (children inherit it);
// returns the new soft limit.
long RaiseFdLimit();

// One flood connection as the watcher last saw it. A default SteadyTime means "not yet".
struct FloodConn {
  int fd = -1;
  bool slow = false;       // slow-header client; else idle keep-alive
  SteadyTime opened;       // connect completed
  SteadyTime answered;     // idle: a complete response to its one request was read
  SteadyTime closed;       // the server closed or reset it (recv 0, ECONNRESET, EPIPE)
  bool status_200 = false; // idle: that response's status line was HTTP/1.x 200
  int close_errno = 0;     // 0 = orderly close (FIN); else the error that ended it (ECONNRESET...)
  std::string in;          // bytes received (kept for parsing the response)
};

// Owns the flood's sockets. Add*() before Start(); then one thread polls every open socket, reads
// what arrives, notes answers and closes by the server, and sends each slow client one more header
// byte every trickle period. The destructor stops the thread and closes every socket.
class FloodConnections {
 public:
  explicit FloodConnections(int port) : port_(port) {}
  ~FloodConnections();
  FloodConnections(const FloodConnections&) = delete;
  FloodConnections& operator=(const FloodConnections&) = delete;

  // Opens n connections at once (non-blocking connects, at most timeout_ms in all); each sends
  // `GET /ready HTTP/1.1`. Returns how many connected; *error names the first failure.
  int AddIdle(int n, int timeout_ms, std::string* error);
  // As AddIdle, but each sends only a request line and the start of a header that never ends.
  int AddSlow(int n, int timeout_ms, std::string* error);
  void Start(std::chrono::milliseconds trickle);

  std::vector<FloodConn> Snapshot() const;

 private:
  int Add(int n, bool slow, int timeout_ms, std::string* error);
  void Run(std::chrono::milliseconds trickle);
  void ReadFrom(FloodConn& c, SteadyTime now);  // under mu_
  void Trickle(SteadyTime now);                 // under mu_

  int port_;
  mutable std::mutex mu_;
  std::vector<FloodConn> conns_;  // guarded by mu_
  bool stop_ = false;             // guarded by mu_
  std::thread thread_;
};

// True once `text` holds one complete HTTP response (headers plus a Content-Length or chunked body).
bool CompleteHttpResponse(const std::string& text);

}  // namespace skald::e2e
