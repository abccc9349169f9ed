// Header-only helpers shared by test binaries that do not link tests/e2e/process.cc: polling for
// a condition, appending to a file, and a scratch directory removed on destruction.
#pragma once

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

namespace skald::test_support {

// Polls f every `poll` until it returns true or `limit` passes; returns f()'s last answer.
template <typename F>
bool WaitFor(F f, std::chrono::milliseconds limit = std::chrono::seconds(10),
             std::chrono::milliseconds poll = std::chrono::milliseconds(20)) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (f()) return true;
    std::this_thread::sleep_for(poll);
  }
  return f();
}

inline void AppendText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::app) << text;
}

// mkdtemp("/tmp/<prefix>-XXXXXX"); removed with everything in it on destruction.
struct ScratchDir {
  std::string path;
  explicit ScratchDir(const std::string& prefix) {
    std::string t = "/tmp/" + prefix + "-XXXXXX";
    path = ::mkdtemp(t.data());
  }
  ~ScratchDir() { std::filesystem::remove_all(path); }
};

}  // namespace skald::test_support
