// The Node.js client packages the tests push with (tests/e2e/node: winston-loki, pino-loki):
// installed once per build dir with `npm ci`, under a file lock, since ctest runs tests in parallel.
#pragma once

#include <catch.hpp>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace skald::testing {

// Runs `cmd` with /bin/sh; its exit status, stdout+stderr in *output.
inline int RunShell(const std::string& cmd, std::string* output) {
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) output->append(buf, n);
  int st = pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

inline bool HaveNode() {
  std::string out;
  return RunShell("command -v node && command -v npm", &out) == 0;
}

// Copies tests/e2e/node to <build>/e2e-node and runs `npm ci` there unless the same lock file is
// already installed; returns the directory. Node present but the install failing fails the test.
inline std::filesystem::path PrepareNodeDir() {
  namespace fs = std::filesystem;
  auto read = [](const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  };
  fs::path src = fs::path(SKALD_SOURCE_DIR) / "tests/e2e/node";
  fs::path dst = fs::path(SKALD_BINARY_DIR) / "e2e-node";
  fs::create_directories(dst);
  int lock_fd = ::open((fs::path(SKALD_BINARY_DIR) / "e2e-node.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  REQUIRE(lock_fd >= 0);
  REQUIRE(::flock(lock_fd, LOCK_EX) == 0);   // one install at a time; the others then find it done
  for (const auto& f : fs::directory_iterator(src))
    if (f.is_regular_file()) fs::copy_file(f.path(), dst / f.path().filename(), fs::copy_options::overwrite_existing);
  fs::path stamp = dst / "node_modules/.skald-lock";
  std::string lock = read(dst / "package-lock.json");
  std::string out;
  int rc = 0;
  if (!fs::exists(stamp) || read(stamp) != lock) {
    rc = RunShell("cd '" + dst.string() + "' && npm ci --no-audit --no-fund --loglevel=error", &out);
    if (rc == 0) std::ofstream(stamp, std::ios::binary) << lock;
  }
  ::close(lock_fd);
  INFO("npm ci output:\n" << out);
  REQUIRE(rc == 0);
  return dst;
}

}  // namespace skald::testing
