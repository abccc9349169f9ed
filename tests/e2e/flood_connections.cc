// Idle keep-alive and slow-header client floods over raw non-blocking sockets, one watcher thread
// (see flood_connections.h).
#include "tests/e2e/flood_connections.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace skald::e2e {

namespace {

constexpr char kIdleRequest[] = "GET /ready HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: flood-idle\r\n\r\n";
// The header value grows by one byte per tick and never ends with a blank line.
constexpr char kSlowStart[] = "GET /ready HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";

int ConnectStart(int port, std::string* error) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    if (error->empty()) *error = std::string("socket: ") + std::strerror(errno);
    return -1;
  }
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 && errno != EINPROGRESS) {
    if (error->empty()) *error = std::string("connect: ") + std::strerror(errno);
    close(fd);
    return -1;
  }
  return fd;
}

// Waits (until the deadline) for every pending connect; failed or unfinished ones become -1.
void ConnectFinish(std::vector<int>& fds, SteadyTime deadline, std::string* error) {
  std::vector<bool> done(fds.size(), false);
  std::vector<pollfd> pending;
  std::vector<size_t> index;
  for (;;) {
    pending.clear();
    index.clear();
    for (size_t i = 0; i < fds.size(); ++i)
      if (fds[i] >= 0 && !done[i]) pending.push_back({fds[i], POLLOUT, 0}), index.push_back(i);
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (pending.empty() || left.count() <= 0) break;
    if (poll(pending.data(), pending.size(), static_cast<int>(std::min<int64_t>(left.count(), 100))) <= 0) continue;
    for (size_t k = 0; k < pending.size(); ++k) {
      if (pending[k].revents == 0) continue;
      int err = 0;
      socklen_t len = sizeof(err);
      getsockopt(pending[k].fd, SOL_SOCKET, SO_ERROR, &err, &len);
      done[index[k]] = true;
      if (err == 0) continue;
      if (error->empty()) *error = std::string("connect: ") + std::strerror(err);
      close(pending[k].fd);
      fds[index[k]] = -1;
    }
  }
  for (size_t i = 0; i < fds.size(); ++i) {
    if (fds[i] < 0 || done[i]) continue;  // still connecting at the deadline
    if (error->empty()) *error = "connect: timed out";
    close(fds[i]);
    fds[i] = -1;
  }
}

bool SendAll(int fd, const char* data, size_t n) {
  while (n > 0) {
    ssize_t w = send(fd, data, n, MSG_NOSIGNAL);
    if (w <= 0) return false;  // a fresh socket's buffer holds these few bytes; EAGAIN is a failure here
    data += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

long RaiseFdLimit() {
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);
  getrlimit(RLIMIT_NOFILE, &rl);
  return static_cast<long>(rl.rlim_cur);
}

bool CompleteHttpResponse(const std::string& text) {
  const size_t end = text.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  const std::string head = Lower(text.substr(0, end));
  const size_t body = end + 4;
  if (head.find("transfer-encoding: chunked") != std::string::npos)
    return text.find("0\r\n\r\n", body) != std::string::npos;
  const size_t cl = head.find("content-length:");
  if (cl == std::string::npos) return true;  // no body (e.g. 204)
  const size_t len = std::strtoul(head.c_str() + cl + std::strlen("content-length:"), nullptr, 10);
  return text.size() >= body + len;
}

FloodConnections::~FloodConnections() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
  for (FloodConn& c : conns_) close(c.fd);
}

int FloodConnections::AddIdle(int n, int timeout_ms, std::string* error) { return Add(n, false, timeout_ms, error); }
int FloodConnections::AddSlow(int n, int timeout_ms, std::string* error) { return Add(n, true, timeout_ms, error); }

int FloodConnections::Add(int n, bool slow, int timeout_ms, std::string* error) {
  const SteadyTime deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  std::vector<int> fds;
  for (int i = 0; i < n; ++i) fds.push_back(ConnectStart(port_, error));
  ConnectFinish(fds, deadline, error);
  int added = 0;
  std::lock_guard<std::mutex> l(mu_);
  for (int fd : fds) {
    if (fd < 0) continue;
    const char* msg = slow ? kSlowStart : kIdleRequest;
    if (!SendAll(fd, msg, std::strlen(msg))) {
      if (error->empty()) *error = std::string("send: ") + std::strerror(errno);
      close(fd);
      continue;
    }
    FloodConn c;
    c.fd = fd;
    c.slow = slow;
    c.opened = std::chrono::steady_clock::now();
    conns_.push_back(std::move(c));
    ++added;
  }
  return added;
}

void FloodConnections::Start(std::chrono::milliseconds trickle) {
  thread_ = std::thread([this, trickle] { Run(trickle); });
}

std::vector<FloodConn> FloodConnections::Snapshot() const {
  std::lock_guard<std::mutex> l(mu_);
  return conns_;
}

void FloodConnections::ReadFrom(FloodConn& c, SteadyTime now) {
  char buf[4096];
  for (;;) {
    ssize_t r = recv(c.fd, buf, sizeof(buf), 0);
    if (r > 0) {
      if (c.in.size() < 65536) c.in.append(buf, static_cast<size_t>(r));
      continue;
    }
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    c.closed = now;  // 0 = orderly close, <0 = reset or other error: the server let go either way
    c.close_errno = r == 0 ? 0 : errno;
    break;
  }
  if (!c.slow && c.answered == SteadyTime{} && CompleteHttpResponse(c.in)) {
    c.answered = now;
    c.status_200 = c.in.rfind("HTTP/1.1 200", 0) == 0 || c.in.rfind("HTTP/1.0 200", 0) == 0;
  }
}

void FloodConnections::Trickle(SteadyTime now) {
  for (FloodConn& c : conns_) {
    if (!c.slow || c.closed != SteadyTime{}) continue;
    ssize_t w = send(c.fd, "a", 1, MSG_NOSIGNAL);
    if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) c.closed = now, c.close_errno = errno;
  }
}

void FloodConnections::Run(std::chrono::milliseconds trickle) {
  SteadyTime next_trickle = std::chrono::steady_clock::now() + trickle;
  std::vector<pollfd> pfds;
  std::vector<size_t> index;
  for (;;) {
    pfds.clear();
    index.clear();
    {
      std::lock_guard<std::mutex> l(mu_);
      if (stop_) return;
      for (size_t i = 0; i < conns_.size(); ++i) {
        if (conns_[i].closed != SteadyTime{}) continue;
        pfds.push_back({conns_[i].fd, POLLIN, 0});
        index.push_back(i);
      }
    }
    poll(pfds.data(), pfds.size(), 50);
    const SteadyTime now = std::chrono::steady_clock::now();
    std::lock_guard<std::mutex> l(mu_);
    for (size_t k = 0; k < pfds.size(); ++k)
      if (pfds[k].revents != 0) ReadFrom(conns_[index[k]], now);
    if (now >= next_trickle) {
      Trickle(now);
      next_trickle = now + trickle;
    }
  }
}

}  // namespace skald::e2e
