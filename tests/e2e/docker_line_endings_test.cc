// Line ends against a real dockerd (issue #20 items 8 and 9): CRLF lines (with and without -t), a
// container's last output without a newline, and a collector restart while that line is pending.
#include <catch.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "collector/shipper.h"
#include "tests/e2e/docker_harness.h"
#include "tests/test_support.h"

using namespace skald;
using namespace std::chrono_literals;

namespace {
CollectorConfig LineEndConfig(const std::string& docker_host, const std::string& positions, const std::string& url) {
  CollectorConfig cfg;
  cfg.positions.filename = positions;
  cfg.positions.sync_period_ns = 20'000'000;
  ClientConfig c;
  c.url = url;
  c.batchwait_ns = 100'000'000;
  c.backoff.min_period_ns = 100'000'000;
  c.backoff.max_period_ns = 500'000'000;
  c.backoff.max_retries = 100;
  cfg.clients.push_back(c);
  ScrapeConfig sc;
  sc.job_name = "docker";
  DockerSDConfig d;
  d.host = docker_host;
  d.refresh_interval_ns = 5'000'000'000LL;
  sc.docker_sd_configs.push_back(d);
  cfg.scrape_configs.push_back(sc);
  return cfg;
}

std::vector<std::string> Lines(e2e::PushReceiver& rx, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& g : rx.With(prefix)) out.push_back(g.line);
  return out;
}

bool WaitLines(e2e::PushReceiver& rx, const std::string& prefix, size_t n, std::chrono::milliseconds limit) {
  return test_support::WaitFor([&] { return rx.With(prefix).size() >= n; }, limit, 50ms);
}
}  // namespace

TEST_CASE("docker line endings: CRLF, last line without newline, restart", "[e2e][docker-line-endings]") {
  auto daemon = e2e::DockerDaemon::Start();
  INFO(daemon.status().message());
  REQUIRE(daemon.ok());  // where dockerd cannot start this fails, it never skips
  const e2e::DockerDaemon& d = **daemon;
  auto imp = d.ImportBusybox();
  INFO(imp.message());
  REQUIRE(imp.ok());
  e2e::PushReceiver rx;
  const CollectorConfig cfg = LineEndConfig(d.host(), d.dir() + "/positions.yaml", rx.url());
  auto shipper = std::make_unique<Shipper>(cfg);
  REQUIRE(shipper->Start().ok());

  // Item 8: "\r\n" ends a line as a whole, as Promtail's docker target (Go bufio ReadLine) reads it.
  REQUIRE(d.RunShell({"--name", "crlf"}, "printf 'crlf-a\\r\\ncrlf-b\\r\\n'; sleep 300").ok());
  REQUIRE(d.RunShell({"--name", "tty", "-t"}, "printf 'tty-a\\ntty-b\\n'; sleep 300").ok());  // pty: "\n" -> "\r\n"
  REQUIRE(d.RunShell({"--name", "ttycr", "-t"}, "printf 'ttycr-a\\r\\n'; sleep 300").ok());   // "\r\r\n" in the log
  REQUIRE(WaitLines(rx, "crlf-", 2, 20s));
  REQUIRE(WaitLines(rx, "tty-", 2, 20s));
  REQUIRE(WaitLines(rx, "ttycr-", 1, 20s));
  CHECK(Lines(rx, "crlf-") == std::vector<std::string>{"crlf-a", "crlf-b"});
  CHECK(Lines(rx, "tty-") == std::vector<std::string>{"tty-a", "tty-b"});
  CHECK(Lines(rx, "ttycr-") == std::vector<std::string>{"ttycr-a\r"});  // one "\r" goes with the "\n"

  // Item 9: the last output of an exiting container, without a newline, reaches the store; a
  // 20000-byte one too (Docker splits it into a 16 KiB record and the rest, both without "\n").
  REQUIRE(d.RunShell({"--name", "last"}, "printf 'last-x\\nlast-y'; sleep 2").ok());
  REQUIRE(d.RunShell({"--name", "lastbig"}, "printf 'lastbig-'; head -c 20000 /dev/zero | tr '\\0' y; sleep 2").ok());
  REQUIRE(WaitLines(rx, "last-", 2, 30s));
  REQUIRE(WaitLines(rx, "lastbig-", 1, 30s));
  CHECK(Lines(rx, "last-") == std::vector<std::string>{"last-x", "last-y"});
  CHECK(Lines(rx, "lastbig-") == std::vector<std::string>{"lastbig-" + std::string(20000, 'y')});

  // Restart while the last line is pending: its position was not stored past it, so the new
  // collector reads it again and ships it once the container exits; nothing is shipped twice.
  REQUIRE(d.RunShell({"--name", "restart"}, "printf 'rs-1\\nrs-2'; sleep 10").ok());
  REQUIRE(WaitLines(rx, "rs-", 1, 20s));
  std::this_thread::sleep_for(500ms);  // rs-1 acknowledged and its position synced
  shipper->Stop();
  shipper.reset();
  CHECK(Lines(rx, "rs-") == std::vector<std::string>{"rs-1"});
  shipper = std::make_unique<Shipper>(cfg);
  REQUIRE(shipper->Start().ok());
  REQUIRE(WaitLines(rx, "rs-", 2, 40s));
  std::this_thread::sleep_for(2s);  // a duplicate would arrive within this
  CHECK(Lines(rx, "rs-") == std::vector<std::string>{"rs-1", "rs-2"});
  CHECK(Lines(rx, "crlf-").size() == 2);  // still-running containers resumed from their positions
  CHECK(Lines(rx, "tty-").size() == 2);
  shipper->Stop();
}
