// Live tail with a real WebSocket client: Node's `ws` package (as Grafana's and logcli's Go
// clients, it performs a full RFC 6455 handshake and validates frames).
#include <catch.hpp>

#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <future>

#include "tests/store/api/query_api_test_util.h"

namespace skald::api::testing {
namespace {

namespace fs = std::filesystem;

int Run(const std::string& cmd, std::string* out) {
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out->append(buf, n);
  int st = pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

// node_modules with `ws`, installed once per build dir from tests/e2e/node's lock file.
fs::path NodeModules() {
  fs::path dir = fs::path(SKALD_BINARY_DIR) / "e2e-node-query";
  if (fs::exists(dir / "node_modules/ws/package.json")) return dir / "node_modules";
  fs::create_directories(dir);
  for (const char* f : {"package.json", "package-lock.json"}) {
    fs::copy_file(fs::path(SKALD_SOURCE_DIR) / "tests/e2e/node" / f, dir / f,
                  fs::copy_options::overwrite_existing);
  }
  std::string out;
  int rc = Run("cd '" + dir.string() + "' && npm ci --no-audit --no-fund --loglevel=error", &out);
  INFO(out);
  REQUIRE(rc == 0);
  return dir / "node_modules";
}

const char* kClient = R"JS(
const WebSocket = require('ws');
const ws = new WebSocket(process.argv[2]);
let n = 0;
const timer = setTimeout(() => { console.log('TIMEOUT'); process.exit(2); }, 15000);
ws.on('message', (data) => {
  console.log('MSG ' + data.toString());
  if (++n === 2) { clearTimeout(timer); ws.close(1000); }
});
ws.on('close', (code) => { console.log('CLOSE ' + code); process.exit(n === 2 ? 0 : 3); });
ws.on('error', (e) => { console.log('ERROR ' + e.message); process.exit(4); });
)JS";

TEST_CASE("tail works with the Node ws client: history, then a live entry") {
  std::string out;
  if (Run("command -v node && command -v npm", &out) != 0) {
    WARN("node/npm not installed: Node tail test not run");
    return;
  }
  fs::path modules = NodeModules();
  fs::path script = fs::temp_directory_path() / ("skald_tail_client_" + std::to_string(getpid()) + ".js");
  std::ofstream(script) << kClient;
  ApiServer s(false, [](QueryDeps& d) { d.now_ns = nullptr; });
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  s.reader.Push("fake", *LabelSet::Parse(R"({app="n"})"), {{now - kSec, "before", {}}});
  std::string url = "ws://127.0.0.1:" + std::to_string(s.port) + "/loki/api/v1/tail?query=%7Bapp%3D%22n%22%7D";
  auto client = std::async(std::launch::async, [&] {
    std::string o;
    int rc = Run("NODE_PATH='" + modules.string() + "' timeout 30 node '" + script.string() + "' '" + url + "'", &o);
    return std::make_pair(rc, o);
  });
  for (int i = 0; i < 1000 && s.reader.subscribers() == 0; i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(s.reader.subscribers() == 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  s.reader.Push("fake", *LabelSet::Parse(R"({app="n"})"), {{now, "live", {}}});
  auto [rc, output] = client.get();
  fs::remove(script);
  INFO(output);
  CHECK(rc == 0);
  CHECK(output.find(R"(MSG {"streams":[{"stream":{"app":"n"},"values":[[")" + std::to_string(now - kSec) + R"(","before"]]}]})") != std::string::npos);
  CHECK(output.find(R"(","live"]]}]})") != std::string::npos);
  // the session ends once the client is gone (detected by the next ping write)
  for (int i = 0; i < 500 && s.reader.subscribers() != 0; i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(s.reader.subscribers() == 0);
}

}  // namespace
}  // namespace skald::api::testing
