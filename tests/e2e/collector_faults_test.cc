// The real skald-collector under faults: a Docker socket that does not exist (a few log lines, files
// still shipped), a store answering 503 / 429 and then gone before it accepts (every line once, in
// order, positions never ahead of the store), and a positions file system that is full (root only).
#include <catch.hpp>
#include <sys/mount.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fmt/format.h>
#include <memory>
#include <string>
#include <thread>

#include "tests/collector/client/fake_store.h"
#include "tests/e2e/process.h"

using namespace skald::e2e;
using skald::client::testing::Answer;
using skald::client::testing::FakeStore;

namespace {

struct Opts {
  std::string positions_dir;
  std::string docker_host;  // empty: no docker_sd
  std::string backoff = "    backoff_config:\n      min_period: 50ms\n      max_period: 800ms\n      max_retries: 3\n";
};

std::string Config(const std::string& dir, int port, int store_port, const Opts& o) {
  std::string c = fmt::format(
      "server:\n  http_listen_port: {}\npositions:\n  filename: {}/positions.yaml\n  sync_period: 100ms\n"
      "clients:\n  - url: http://127.0.0.1:{}/loki/api/v1/push\n    batchwait: 100ms\n{}"
      "scrape_configs:\n  - job_name: files\n    static_configs:\n      - targets: [localhost]\n"
      "        labels:\n          job: app\n          __path__: {}/logs/*.log\n",
      port, o.positions_dir.empty() ? dir : o.positions_dir, store_port, o.backoff, dir);
  if (!o.docker_host.empty()) {
    c += fmt::format("  - job_name: docker\n    docker_sd_configs:\n      - host: {}\n        refresh_interval: 2s\n",
                     o.docker_host);
  }
  return c;
}

// Lines the store accepted for the file target, in arrival order.
std::vector<std::string> Lines(FakeStore& store) {
  std::vector<std::string> out;
  for (const auto& r : store.got())
    for (const auto& s : r.req.streams())
      for (const auto& e : s.entries()) out.push_back(e.line());
  return out;
}

// The offset positions.yaml holds for `file` (-1: no entry or no file).
long long Offset(const std::string& positions, const std::string& file) {
  const std::string text = ReadFile(positions);
  const size_t at = text.find("\"" + file + "\": \"");
  if (at == std::string::npos) return -1;
  return std::stoll(text.substr(at + file.size() + 5));
}

template <typename F> bool WaitFor(F f, int ms) {
  for (int i = 0; i < ms / 20; ++i) { if (f()) return true; std::this_thread::sleep_for(std::chrono::milliseconds(20)); }
  return f();
}

int CountLines(const std::string& text, const std::string& needle) {
  int n = 0;
  size_t start = 0, nl;
  while ((nl = text.find('\n', start)) != std::string::npos) {
    if (text.substr(start, nl - start).find(needle) != std::string::npos) ++n;
    start = nl + 1;
  }
  return n;
}

}  // namespace

TEST_CASE("collector with a missing Docker socket logs a few lines and keeps shipping files", "[e2e]") {
  TempDir dir("skald-cf-sock");
  std::filesystem::create_directories(dir.path() + "/logs");
  FakeStore store({}, Answer{204, ""});
  const int port = FreePort();
  Opts o;
  o.docker_host = "unix:///nonexistent.sock";
  WriteFile(dir.path() + "/c.yaml", Config(dir.path(), port, store.port(), o));
  const std::string log = dir.path() + "/collector.log";
  Process collector({BinPath("skald-collector"), "-config.file=" + dir.path() + "/c.yaml"}, log);
  REQUIRE(WaitReady(port, 15000));
  for (int i = 0; i < 15; ++i) {  // 15 s
    AppendFile(dir.path() + "/logs/app.log", fmt::format("tick {}\n", i));
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  REQUIRE(WaitFor([&] { return Lines(store).size() == 15; }, 5000));
  collector.Kill(SIGTERM);
  collector.WaitFor(10000);
  const std::string text = ReadFile(log);
  INFO(text);
  CHECK(CountLines(text, "docker_sd") >= 1);  // the outage is reported ...
  CHECK(CountLines(text, "docker_sd") <= 3);  // ... once, not every second (was 15+ lines here)
  CHECK(CountLines(text, "level=warn") + CountLines(text, "level=error") <= 3);
}

TEST_CASE("collector loses nothing while the store answers 503, 429, then is away", "[e2e]") {
  TempDir dir("skald-cf-store");
  std::filesystem::create_directories(dir.path() + "/logs");
  const std::string file = dir.path() + "/logs/app.log";
  WriteFile(file, "");  // exists at start (static globs are rescanned only every 10 s)
  auto store = std::make_unique<FakeStore>(std::deque<Answer>{}, Answer{503, ""});
  const int store_port = store->port(), port = FreePort();
  WriteFile(dir.path() + "/c.yaml", Config(dir.path(), port, store_port, {}));
  const std::string log = dir.path() + "/collector.log";
  Process collector({BinPath("skald-collector"), "-config.file=" + dir.path() + "/c.yaml"}, log);
  REQUIRE(WaitReady(port, 15000));
  std::atomic<bool> writing{true};
  int written = 0;
  std::thread writer([&] {
    while (writing) {
      AppendFile(file, fmt::format("line {:05}\n", ++written));
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  auto phase = [&](Answer a, int ms) {
    store = std::make_unique<FakeStore>(std::deque<Answer>{}, a, store_port);
    REQUIRE(store->port() == store_port);
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    CHECK(Offset(dir.path() + "/positions.yaml", file) <= 0);  // nothing acknowledged, nothing saved past it
  };
  std::this_thread::sleep_for(std::chrono::milliseconds(2000));  // 503s: past max_retries (3)
  phase({429, "1"}, 1500);
  store.reset();  // away: connection refused
  std::this_thread::sleep_for(std::chrono::milliseconds(2000));
  CHECK(Offset(dir.path() + "/positions.yaml", file) <= 0);
  writing = false;
  writer.join();
  store = std::make_unique<FakeStore>(std::deque<Answer>{}, Answer{204, ""}, store_port);
  REQUIRE(WaitFor([&] { return Lines(*store).size() >= size_t(written); }, 20000));
  const auto lines = Lines(*store);
  REQUIRE(lines.size() == size_t(written));  // exactly once ...
  for (int i = 0; i < written; ++i) REQUIRE(lines[i] == fmt::format("line {:05}", i + 1));  // ... in order
  const long long size = static_cast<long long>(std::filesystem::file_size(file));
  REQUIRE(WaitFor([&] { return Offset(dir.path() + "/positions.yaml", file) == size; }, 5000));
  collector.Kill(SIGTERM);
  collector.WaitFor(10000);
  const std::string text = ReadFile(log);
  INFO(text);
  CHECK(CountLines(text, "holding it and pausing reading") >= 1);
  CHECK(CountLines(text, "dropping") == 0);
}

TEST_CASE("collector keeps shipping while the positions file system is full", "[e2e]") {
  TempDir dir("skald-cf-full");
  const std::string pos_dir = dir.path() + "/pos";
  std::filesystem::create_directories(dir.path() + "/logs");
  std::filesystem::create_directories(pos_dir);
  if (::getuid() != 0 || ::mount("tmpfs", pos_dir.c_str(), "tmpfs", 0, "size=64k") != 0) {
    WARN("not root or tmpfs mount refused: disk-full e2e skipped");
    return;
  }
  struct Unmount { std::string p; ~Unmount() { ::umount2(p.c_str(), MNT_DETACH); } } unmount{pos_dir};
  const std::string file = dir.path() + "/logs/app.log", positions = pos_dir + "/positions.yaml";
  WriteFile(file, "");  // exists at start (static globs are rescanned only every 10 s)
  FakeStore store({}, Answer{204, ""});
  const int port = FreePort();
  Opts o;
  o.positions_dir = pos_dir;
  WriteFile(dir.path() + "/c.yaml", Config(dir.path(), port, store.port(), o));
  const std::string log = dir.path() + "/collector.log";
  Process collector({BinPath("skald-collector"), "-config.file=" + dir.path() + "/c.yaml"}, log);
  REQUIRE(WaitReady(port, 15000));
  AppendFile(file, "before 1\nbefore 2\n");
  REQUIRE(WaitFor([&] { return Offset(positions, file) == 18; }, 10000));
  const std::string saved = ReadFile(positions);
  {  // fill the file system
    std::FILE* f = std::fopen((pos_dir + "/filler").c_str(), "w");
    REQUIRE(f != nullptr);
    const std::string block(1024, 'f');
    while (std::fwrite(block.data(), 1, block.size(), f) == block.size() && std::fflush(f) == 0) {}
    std::fclose(f);
  }
  for (int i = 0; i < 20; ++i) AppendFile(file, fmt::format("during {:02}\n", i));
  REQUIRE(WaitFor([&] { return Lines(store).size() == 22; }, 10000));  // shipping goes on
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // ~15 failed syncs
  CHECK(ReadFile(positions) == saved);  // the old file, intact
  std::filesystem::remove(pos_dir + "/filler");
  const long long size = static_cast<long long>(std::filesystem::file_size(file));
  REQUIRE(WaitFor([&] { return Offset(positions, file) == size; }, 10000));
  collector.Kill(SIGTERM);
  collector.WaitFor(10000);
  const std::string text = ReadFile(log);
  INFO(text);
  CHECK(CountLines(text, "saving positions failed") == 1);
  CHECK(CountLines(text, "saving positions works again") == 1);
  CHECK(Lines(store).size() == 22);
}
