// Self-pipe shutdown flag: the pipe is written once and never drained, so poll() on its read end
// wakes every waiter, present and future, until ResetForTest().
#include "common/shutdown.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <mutex>

namespace skald::shutdown {
namespace {

std::atomic<bool> g_requested{false};
std::atomic<int> g_signal{0};
int g_pipe[2] = {-1, -1};
std::once_flag g_pipe_once;

void EnsurePipe() {
  std::call_once(g_pipe_once, [] {
    if (pipe(g_pipe) == 0) {
      for (int fd : g_pipe) fcntl(fd, F_SETFD, FD_CLOEXEC);
      for (int fd : g_pipe) fcntl(fd, F_SETFL, O_NONBLOCK);
    }
  });
}

void Wake() {
  char b = 1;
  if (g_pipe[1] >= 0) {
    ssize_t n = write(g_pipe[1], &b, 1);
    (void)n;
  }
}

void OnSignal(int sig) {
  if (g_requested.exchange(true)) _exit(1);
  g_signal.store(sig);
  Wake();
}

}  // namespace

void InstallSignalHandlers() {
  EnsurePipe();
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);  // broken client sockets must not kill the process
}

void Request() {
  EnsurePipe();
  if (!g_requested.exchange(true)) Wake();
}

bool Requested() { return g_requested.load(); }

int Signal() { return g_signal.load(); }

bool WaitFor(int64_t timeout_ms) {
  EnsurePipe();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!g_requested.load()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) return false;
    struct pollfd p {g_pipe[0], POLLIN, 0};
    // Bounded slices: a Request() racing with ResetForTest cannot strand a waiter.
    poll(&p, 1, int(left < 200 ? left : 200));
  }
  return true;
}

void Wait() {
  while (!WaitFor(3600 * 1000)) {
  }
}

void ResetForTest() {
  EnsurePipe();
  char buf[64];
  while (read(g_pipe[0], buf, sizeof buf) > 0) {
  }
  g_requested.store(false);
  g_signal.store(0);
}

}  // namespace skald::shutdown
