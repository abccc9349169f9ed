// The real skald-store / skald-collector binaries: flags, config verification with file:line
// errors, and a store serving /ready and /metrics on a real port until SIGTERM.
#include <catch.hpp>

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "common/http_server.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;

std::string BinDir() {
  const char* d = std::getenv("SKALD_BIN_DIR");
  return d ? d : std::string(SKALD_BINARY_DIR) + "/bin";
}

std::string Seed(const std::string& name) {
  return std::string(SKALD_SOURCE_DIR) + "/../shared/seed/" + name;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "skald-e2e-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path); }
};

// Starts a binary with stdout/stderr redirected to files in dir; returns the pid.
pid_t Spawn(const std::string& bin, const std::vector<std::string>& args, const fs::path& dir) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, (dir / "stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&fa, 2, (dir / "stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  std::string path = BinDir() + "/" + bin;
  std::vector<char*> argv{path.data()};
  std::vector<std::string> copy = args;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, path.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  REQUIRE(rc == 0);
  return pid;
}

// Waits up to timeout_ms; returns the exit code, or -1 on timeout (process killed), or
// 128+signal when killed by a signal.
int WaitExit(pid_t pid, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

struct Result {
  int code;
  std::string out, err;
};

Result Run(const std::string& bin, const std::vector<std::string>& args) {
  TempDir dir;
  pid_t pid = Spawn(bin, args, dir.path);
  int code = WaitExit(pid, 20000);
  return {code, Slurp((dir.path / "stdout").string()), Slurp((dir.path / "stderr").string())};
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

TEST_CASE("both binaries print their version") {
  for (const char* bin : {"skald-store", "skald-collector"}) {
    Result r = Run(bin, {"-version"});
    CHECK(r.code == 0);
    CHECK(r.out.rfind(std::string(bin) + ", version ", 0) == 0);
  }
  Result bad = Run("skald-store", {"-no-such-flag"});
  CHECK(bad.code == 2);
  CHECK(bad.err.find("flag provided but not defined: -no-such-flag") != std::string::npos);
}

TEST_CASE("skald-store -verify-config: the seed passes with warnings a typo fails with its line") {
  Result ok = Run("skald-store", {"-verify-config", "-config.file=" + Seed("loki-config.yaml")});
  CHECK(ok.code == 0);
  CHECK(ok.err.find("level=warn") != std::string::npos);
  CHECK(ok.err.find("schema_config") != std::string::npos);
  CHECK(ok.err.find("msg=\"config is valid\"") != std::string::npos);
  Result printed = Run("skald-store", {"-verify-config", "-print-config-stderr", "-log.level=error",
                                       "-config.file=" + Seed("loki-config.yaml")});
  CHECK(printed.code == 0);
  CHECK(printed.err.find("retention_period: 30d\n") != std::string::npos);
  CHECK(printed.err.find("per_stream_rate_limit: 12000000\n") != std::string::npos);
  CHECK(printed.err.find("level=warn") == std::string::npos);  // filtered by -log.level

  TempDir dir;
  std::string text = Slurp(Seed("loki-config.yaml"));
  text.replace(text.find("retention_period:"), 17, "retention_peroid:");
  std::string typo = (dir.path / "typo.yaml").string();
  std::ofstream(typo) << text;
  Result bad = Run("skald-store", {"--verify-config", "--config.file", typo});
  CHECK(bad.code != 0);
  CHECK(bad.err.find(typo + ":21: unknown key \"retention_peroid\"") != std::string::npos);
  CHECK(bad.err.find("did you mean retention_period?") != std::string::npos);
}

TEST_CASE("skald-collector -check-syntax on the seed and on a broken file") {
  Result ok = Run("skald-collector",
                  {"-check-syntax", "-config.file=" + Seed("promtail-config.yaml")});
  CHECK(ok.code == 0);
  CHECK(ok.out == "Valid config file! No syntax issues found\n");
  CHECK(ok.err.find("server.grpc_listen_port") != std::string::npos);

  TempDir dir;
  std::string bad_file = (dir.path / "bad.yaml").string();
  std::ofstream(bad_file) << "clients:\n  - url: http://x/loki/api/v1/push\n    batchwiat: 1s\n";
  Result bad = Run("skald-collector", {"-check-syntax", "-config.file=" + bad_file});
  CHECK(bad.code != 0);
  CHECK(bad.err.find(bad_file + ":3: unknown key \"batchwiat\"") != std::string::npos);
  Result dry = Run("skald-collector", {"-dry-run", "-check-syntax", "-config.file=" + bad_file});
  CHECK(dry.code != 0);
}

TEST_CASE("skald-store serves /ready and /metrics and exits cleanly on SIGTERM") {
  TempDir dir;
  int port = FreePort();
  std::string cfg = (dir.path / "store.yaml").string();
  std::ofstream(cfg) << "auth_enabled: false\nserver:\n  http_listen_address: 127.0.0.1\n"
                        "  http_listen_port: ${SKALD_E2E_PORT}\n"
                        "common:\n  path_prefix: " << (dir.path / "data").string() << "\n";
  setenv("SKALD_E2E_PORT", std::to_string(port).c_str(), 1);
  TempDir logs;
  pid_t pid = Spawn("skald-store", {"-config.file=" + cfg, "-config.expand-env=true"}, logs.path);
  int code = 0;
  for (int i = 0; i < 250 && code != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    code = skald::HttpGetStatus("127.0.0.1", port, "/ready", 1000);
  }
  CHECK(code == 200);
  std::string body;
  CHECK(skald::HttpGetStatus("127.0.0.1", port, "/metrics", 2000, &body) == 200);
  CHECK(body.find("skald_build_info{") != std::string::npos);
  CHECK(skald::HttpGetStatus("127.0.0.1", port, "/nope", 2000, &body) == 404);
  CHECK(body == "404 page not found\n");
  Result health = Run("skald-store", {"-health", "-config.file=" + cfg, "-config.expand-env"});
  CHECK(health.code == 0);

  kill(pid, SIGTERM);
  CHECK(WaitExit(pid, 10000) == 0);
  std::string err = Slurp((logs.path / "stderr").string());
  CHECK(err.find("msg=\"received shutdown signal\" signal=15") != std::string::npos);
  CHECK(skald::HttpGetStatus("127.0.0.1", port, "/ready", 500) == 0);
  Result down = Run("skald-store", {"-health", "-config.file=" + cfg, "-config.expand-env"});
  CHECK(down.code == 1);
}
