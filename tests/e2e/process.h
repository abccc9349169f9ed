// Test helpers for end-to-end tests: free loopback ports, temp dirs, and child processes of the
// real binaries (started with fork/exec, stopped with SIGTERM or SIGKILL, reaped on destruction).
#pragma once

#include <cstdint>
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
std::string ReadFile(const std::string& path);  // "" when missing
// Wall-clock time as unix nanoseconds (what pushed entries are stamped with).
int64_t NowNs();
// How many times `needle` occurs in `text` (overlapping occurrences count).
int CountOf(const std::string& text, const std::string& needle);

class Process {
 public:
  // Starts argv[0] with stdout+stderr appended to `log_file`.
  Process(std::vector<std::string> argv, const std::string& log_file);
  // Starts argv[0] with stdout truncated into out_file and stderr into err_file.
  Process(std::vector<std::string> argv, const std::string& out_file, const std::string& err_file);
  ~Process();  // SIGKILL + reap if still running
  void Kill(int sig);
  int Wait();  // exit status (or 128+signal)
  // Waits at most timeout_ms; on timeout SIGKILLs, reaps and returns -1.
  int WaitFor(int timeout_ms);
  bool running() const { return pid_ > 0; }
  int pid() const { return pid_; }

 private:
  void Start(std::vector<std::string> argv, const std::string& out, const std::string& err, bool append);
  int pid_ = -1;
};

// Runs a command to completion (at most timeout_ms) and returns its exit code and output.
struct RunResult {
  int code = -1;       // exit status, 128+signal, or -1 on timeout
  std::string out, err;
};
RunResult Run(std::vector<std::string> argv, int timeout_ms = 20000);
// Runs skald-store <args...> (a maintenance subcommand) to completion, output appended to `log`;
// returns its exit status.
int RunTool(const std::vector<std::string>& args, const std::string& log);

// Polls GET /ready on 127.0.0.1:port until 200 or timeout.
bool WaitReady(int port, int timeout_ms);

}  // namespace skald::e2e
