// Test helpers for end-to-end tests: free loopback ports, temp dirs, and child processes of the
// real binaries (started with fork/exec, stopped with SIGTERM or SIGKILL, reaped on destruction).
#pragma once

#include <string>
#include <vector>

namespace skald::e2e {

// A port that was free a moment ago (bind to 0, read it back, close).
int FreePort();
// mkdtemp under /tmp; removed by the destructor.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix);
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string BinPath(const std::string& name);  // $SKALD_BIN_DIR/name
void WriteFile(const std::string& path, const std::string& text);
void AppendFile(const std::string& path, const std::string& text);

class Process {
 public:
  // Starts argv[0] with stdout+stderr appended to `log_file`.
  Process(std::vector<std::string> argv, const std::string& log_file);
  ~Process();  // SIGKILL + reap if still running
  void Kill(int sig);
  int Wait();  // exit status (or 128+signal)
  bool running() const { return pid_ > 0; }

 private:
  int pid_ = -1;
};

// Polls GET /ready on 127.0.0.1:port until 200 or timeout.
bool WaitReady(int port, int timeout_ms);

}  // namespace skald::e2e
