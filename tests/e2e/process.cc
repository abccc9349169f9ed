// Child-process and temp-dir helpers for the end-to-end tests (see process.h).
#include "tests/e2e/process.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "common/http/http_server.h"

namespace skald::e2e {

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof(a);
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    close(fd);
    throw std::runtime_error("FreePort: bind failed");
  }
  int port = ntohs(a.sin_port);
  close(fd);
  return port;
}

TempDir::TempDir(const std::string& prefix) {
  std::string tmpl = "/tmp/" + prefix + "-XXXXXX";
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string BinPath(const std::string& name) {
  const char* dir = std::getenv("SKALD_BIN_DIR");
  return std::string(dir ? dir : SKALD_BINARY_DIR "/bin") + "/" + name;
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

void AppendFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::app) << text;
}

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int CountOf(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
  return n;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

Process::Process(std::vector<std::string> argv, const std::string& log_file) {
  Start(std::move(argv), log_file, log_file, true);
}

Process::Process(std::vector<std::string> argv, const std::string& out_file, const std::string& err_file) {
  Start(std::move(argv), out_file, err_file, false);
}

void Process::Start(std::vector<std::string> argv, const std::string& out, const std::string& err, bool append) {
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    int mode = O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC);
    int fd = open(out.c_str(), mode, 0644);
    if (fd >= 0) dup2(fd, 1);
    if (err != out) fd = open(err.c_str(), mode, 0644);
    if (fd >= 0) dup2(fd, 2);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
}

Process::~Process() {
  if (pid_ > 0) {
    Kill(SIGKILL);
    Wait();
  }
}

void Process::Kill(int sig) {
  if (pid_ > 0) kill(pid_, sig);
}

int Process::Wait() {
  if (pid_ <= 0) return -1;
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

int Process::WaitFor(int timeout_ms) {
  if (pid_ <= 0) return -1;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  int status = 0;
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      Kill(SIGKILL);
      Wait();
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

RunResult Run(std::vector<std::string> argv, int timeout_ms) {
  TempDir dir("skald-run");
  std::string out = dir.path() + "/stdout", err = dir.path() + "/stderr";
  Process p(std::move(argv), out, err);
  RunResult r;
  r.code = p.WaitFor(timeout_ms);
  r.out = ReadFile(out);
  r.err = ReadFile(err);
  return r;
}

int RunTool(const std::vector<std::string>& args, const std::string& log) {
  std::vector<std::string> argv{BinPath("skald-store")};
  argv.insert(argv.end(), args.begin(), args.end());
  Process p(argv, log);
  return p.Wait();
}

bool WaitReady(int port, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (HttpGetStatus("127.0.0.1", port, "/ready", 500) == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace skald::e2e
