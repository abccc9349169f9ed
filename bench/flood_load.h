// A connection flood for the HTTP flood benchmark: idle keep-alive clients and slow clients (half
// trickle a header, half a push body, 1 byte per tick) on one epoll thread, reconnecting what the
// server closes so the flood keeps its size. Header-only because every bench/*.cc is an executable.
#pragma once

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace skald::bench {

struct FloodOptions {
  int port = 0;
  int idle = 10000;                                // keep-alive clients: one GET /ready, then silence
  int slow = 1000;                                 // trickling clients
  std::chrono::milliseconds trickle{1000};         // one byte to every slow client per period
  std::chrono::milliseconds connect_timeout{3000}; // per connect
  int batch = 256;                                 // connects started per loop turn
};

// Counters the flood thread keeps; read them from any thread.
struct FloodStats {
  std::atomic<long> connected{0}, open{0}, peak_open{0}, answered{0};
  std::atomic<long> emfile{0}, refused{0}, timed_out{0}, other_connect{0};
  std::atomic<long> server_closed{0}, reset{0}, trickled{0};
};

// Start() runs the flood on its own thread until Stop() (or destruction) closes every socket.
class FloodLoad {
 public:
  explicit FloodLoad(FloodOptions o) : o_(o) {}
  ~FloodLoad() { Stop(); }
  void Start() { thread_ = std::thread([this] { Run(); }); }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  const FloodStats& stats() const { return s_; }
  // True once every client has connected at least once (or failed to).
  bool ramped() const { return ramped_.load(); }

 private:
  enum State : uint8_t { kNone, kConnecting, kOpen };
  struct Conn {
    int fd = -1;
    bool slow = false, body = false;  // body: slow push body rather than slow header
    bool answered = false, tried = false;
    State state = kNone;
    std::chrono::steady_clock::time_point since, retry_at;  // connect started; next connect allowed
  };

  static constexpr const char* kIdleReq = "GET /ready HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  static constexpr const char* kSlowHeader = "GET /ready HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
  static constexpr const char* kSlowBody =
      "POST /loki/api/v1/push HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Content-Length: 100000000\r\n\r\n{\"streams\":[";

  void CountConnectError(int err) {
    if (err == EMFILE || err == ENFILE) s_.emfile++;
    else if (err == ECONNREFUSED) s_.refused++;
    else if (err == ETIMEDOUT) s_.timed_out++;
    else s_.other_connect++;
  }

  void Begin(Conn& c, size_t id) {
    c.tried = true;
    c.answered = false;
    c.retry_at = std::chrono::steady_clock::now() + std::chrono::seconds(1);  // after a failure
    c.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c.fd < 0) return CountConnectError(errno);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(o_.port));
    if (connect(c.fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 && errno != EINPROGRESS) {
      CountConnectError(errno);
      close(c.fd);
      c.fd = -1;
      return;
    }
    epoll_event ev{};
    ev.events = EPOLLOUT | EPOLLIN | EPOLLRDHUP;
    ev.data.u64 = id;
    epoll_ctl(ep_, EPOLL_CTL_ADD, c.fd, &ev);
    c.state = kConnecting;
    c.since = std::chrono::steady_clock::now();
  }

  void Drop(Conn& c) {
    if (c.fd >= 0) close(c.fd);  // close removes it from the epoll set
    if (c.state == kOpen) s_.open--;
    c.fd = -1;
    c.state = kNone;
  }

  void Connected(Conn& c) {
    int err = 0;
    socklen_t len = sizeof(err);
    getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) return CountConnectError(err), Drop(c);
    const char* msg = !c.slow ? kIdleReq : c.body ? kSlowBody : kSlowHeader;
    if (send(c.fd, msg, std::strlen(msg), MSG_NOSIGNAL) < 0) return s_.reset++, Drop(c);
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.u64 = static_cast<uint64_t>(&c - conns_.data());
    epoll_ctl(ep_, EPOLL_CTL_MOD, c.fd, &ev);
    c.state = kOpen;
    s_.connected++;
    long open = ++s_.open;
    for (long p = s_.peak_open.load(); open > p && !s_.peak_open.compare_exchange_weak(p, open);) {}
  }

  void Readable(Conn& c) {
    char buf[4096];
    for (;;) {
      ssize_t r = recv(c.fd, buf, sizeof(buf), 0);
      if (r > 0) {
        if (!c.slow && !c.answered) s_.answered++;
        c.answered = true;
        continue;
      }
      if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      (r == 0 ? s_.server_closed : s_.reset)++;
      c.retry_at = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
      return Drop(c);
    }
  }

  void Trickle() {
    for (Conn& c : conns_) {
      if (!c.slow || c.state != kOpen) continue;
      if (send(c.fd, c.body ? " " : "a", 1, MSG_NOSIGNAL) == 1) s_.trickled++;
      else if (errno != EAGAIN && errno != EWOULDBLOCK) s_.reset++, Drop(c);
    }
  }

  // Starts up to `batch` connects for clients with no socket (each at most once a second after a
  // failure, 100 ms after the server closed it); times out stuck connects.
  void Refill(std::chrono::steady_clock::time_point now) {
    int started = 0;
    bool all_tried = true;
    for (size_t i = 0; i < conns_.size(); ++i) {
      Conn& c = conns_[i];
      if (c.state == kConnecting && now - c.since > o_.connect_timeout) s_.timed_out++, Drop(c);
      if (c.state == kNone && now >= c.retry_at && started < o_.batch) Begin(c, i), ++started;
      all_tried = all_tried && c.tried && c.state != kConnecting;
    }
    if (all_tried) ramped_ = true;
  }

  void Run() {
    ep_ = epoll_create1(EPOLL_CLOEXEC);
    conns_.resize(static_cast<size_t>(o_.idle + o_.slow));
    for (int i = o_.idle; i < o_.idle + o_.slow; ++i) conns_[i].slow = true, conns_[i].body = (i % 2) == 1;
    std::vector<epoll_event> evs(1024);
    auto next_trickle = std::chrono::steady_clock::now() + o_.trickle;
    auto next_refill = std::chrono::steady_clock::now();
    while (!stop_) {
      int n = epoll_wait(ep_, evs.data(), static_cast<int>(evs.size()), 20);
      for (int k = 0; k < n; ++k) {
        Conn& c = conns_[evs[k].data.u64];
        if (c.fd < 0) continue;
        if (c.state == kConnecting) Connected(c);
        else if (c.state == kOpen) Readable(c);
      }
      const auto now = std::chrono::steady_clock::now();
      if (now >= next_trickle) Trickle(), next_trickle = now + o_.trickle;
      if (now >= next_refill) Refill(now), next_refill = now + std::chrono::milliseconds(20);
    }
    for (Conn& c : conns_) Drop(c);
    close(ep_);
  }

  FloodOptions o_;
  FloodStats s_;
  std::vector<Conn> conns_;  // flood thread only
  int ep_ = -1;
  std::atomic<bool> stop_{false}, ramped_{false};
  std::thread thread_;
};

}  // namespace skald::bench
