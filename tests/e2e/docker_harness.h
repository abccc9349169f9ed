// Test harness for a private Docker engine: starts `dockerd` with its own socket, data root and exec
// root (vfs, no bridge, no iptables), imports Debian's busybox-static as `busybox:skald`, runs the CLI.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <string>
#include <vector>

#include "common/status.h"

namespace skald::e2e {

class DockerDaemon {
 public:
  // Starts dockerd and waits (up to 60 s) until it answers. An error carries dockerd's log tail, so
  // tests can fail loudly with the reason. `extra_args` go to dockerd (e.g. a TLS tcp listener).
  static Result<std::unique_ptr<DockerDaemon>> Start(const std::vector<std::string>& extra_args = {});
  ~DockerDaemon();  // stops dockerd (SIGTERM, then SIGKILL) and removes its directories

  std::string host() const { return "unix://" + dir_ + "/docker.sock"; }
  const std::string& dir() const { return dir_; }

  // Runs `docker -H <host> <args...>`; stdout (trailing newline trimmed) or an error with the output.
  Result<std::string> Docker(const std::vector<std::string>& args) const;
  // Imports /bin/busybox (all applets as symlinks) as image `busybox:skald`.
  Status ImportBusybox() const;
  // `docker run -d` with the given extra args and `sh -c script`; returns the container id.
  Result<std::string> RunShell(const std::vector<std::string>& docker_args, const std::string& script) const;

 private:
  DockerDaemon() = default;
  std::string dir_;
  pid_t pid_ = -1;
};

// One received entry: the stream's label text, the line and its timestamp.
struct Got {
  std::string labels, line;
  int64_t ts = 0;
};

// A fake Loki push endpoint on 127.0.0.1:<port 0>: decodes snappy+protobuf bodies and records every
// entry; answers 503 while set_down(true).
class PushReceiver {
 public:
  PushReceiver();
  ~PushReceiver();
  std::string url() const;
  void set_down(bool down) { down_ = down; }
  // Entries whose line starts with `prefix`, in arrival order.
  std::vector<Got> With(const std::string& prefix);
  size_t max_request();  // most entries seen in one request

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::atomic<bool> down_{false};
};

// Runs argv (no shell); returns combined stdout+stderr and sets *exit_code.
std::string RunCommand(const std::vector<std::string>& argv, int* exit_code);

}  // namespace skald::e2e
