// Positions: Promtail-compatible YAML round trip, atomic replace, inode keys, invalid-file handling,
// and AckCursor commit rules (multi-client, dropped lines), line limits.
#include <catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "collector/tail/ack_cursor.h"
#include "collector/tail/line_limits.h"
#include "collector/tail/positions.h"

using namespace skald;
using namespace skald::tail;

namespace {
std::string TempDirPath() {
  char tmpl[] = "/tmp/skald-pos-XXXXXX";
  return ::mkdtemp(tmpl);
}
std::string Slurp(const std::string& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

TEST_CASE("positions file round trip and Promtail's format") {
  std::string dir = TempDirPath();
  PositionsConfig cfg;
  cfg.filename = dir + "/positions.yaml";
  {
    auto p = Positions::Open(cfg);
    REQUIRE(p.ok());
    (*p)->Put("/var/log/a.log", {123, {8, 99}});
    (*p)->Put("/var/lib/docker/containers/x/x-json.log", {456, {8, 100}});
    REQUIRE((*p)->Save().ok());
  }
  const std::string text = Slurp(cfg.filename);
  REQUIRE(text.find("positions:\n") == 0);
  REQUIRE(text.find("  \"/var/log/a.log\": \"123\"\n") != std::string::npos);
  REQUIRE_FALSE(std::filesystem::exists(cfg.filename + ".tmp"));
  auto p2 = Positions::Open(cfg);
  REQUIRE(p2.ok());
  REQUIRE((*p2)->Get("/var/log/a.log") == Position{123, {8, 99}});
  REQUIRE((*p2)->Get("/var/lib/docker/containers/x/x-json.log")->offset == 456);
  REQUIRE_FALSE((*p2)->Get("/nope").has_value());
  std::filesystem::remove_all(dir);
}

TEST_CASE("positions written by Promtail (no inode map) load with unknown ids") {
  auto d = DecodePositions("positions:\n  /var/log/syslog: \"9876\"\n  /tmp/x.log: \"0\"\n");
  REQUIRE(d.ok());
  REQUIRE(d->at("/var/log/syslog") == Position{9876, {}});
  REQUIRE(d->size() == 2);
}

TEST_CASE("invalid positions YAML fails unless ignore_invalid_yaml") {
  std::string dir = TempDirPath();
  PositionsConfig cfg;
  cfg.filename = dir + "/positions.yaml";
  { std::ofstream o(cfg.filename); o << "positions: [unclosed\n  : : :"; }
  REQUIRE_FALSE(Positions::Open(cfg).ok());
  cfg.ignore_invalid_yaml = true;
  auto p = Positions::Open(cfg);
  REQUIRE(p.ok());
  REQUIRE((*p)->Snapshot().empty());
  std::filesystem::remove_all(dir);
}

TEST_CASE("positions sync thread saves periodically and on Stop") {
  std::string dir = TempDirPath();
  PositionsConfig cfg;
  cfg.filename = dir + "/positions.yaml";
  cfg.sync_period_ns = 20'000'000;
  auto p = Positions::Open(cfg);
  REQUIRE(p.ok());
  (*p)->StartSync();
  (*p)->Put("/a", {1, {1, 1}});
  for (int i = 0; i < 200 && Slurp(cfg.filename).find("\"1\"") == std::string::npos; ++i) ::usleep(5000);
  REQUIRE(Slurp(cfg.filename).find("\"/a\": \"1\"") != std::string::npos);
  (*p)->Put("/a", {2, {1, 1}});
  (*p)->Stop();
  REQUIRE(Slurp(cfg.filename).find("\"/a\": \"2\"") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("AckCursor commits only what every client acknowledged") {
  AckCursor c("/f", {1, 2}, 100, 2);
  REQUIRE(c.Committed() == 100);
  c.Emitted(110); c.Processed(110);
  c.Emitted(120); c.Processed(120);
  REQUIRE(c.Committed() == 100);
  c.Ack(0, 120);
  REQUIRE(c.Committed() == 100);  // client 1 still owes everything
  c.Ack(1, 110);
  REQUIRE(c.Committed() == 110);
  c.Ack(1, 120);
  REQUIRE(c.Committed() == 120);
  c.Processed(130);  // a line dropped by a stage: nothing in flight, the position may pass it
  REQUIRE(c.Committed() == 130);
  c.Emitted(140); c.Processed(140);
  c.Processed(150);
  REQUIRE(c.Committed() == 130);
  c.Ack(0, 140); c.Ack(1, 140);
  REQUIRE(c.Committed() == 150);
  c.Ack(0, 50);  // acks never move backwards
  REQUIRE(c.Committed() == 150);
  AckCursor none("/g", {1, 3}, 0, 0);
  none.Emitted(10); none.Processed(10);
  REQUIRE(none.Committed() == 10);
}

TEST_CASE("line limits") {
  CollectorLimitsConfig cfg;
  cfg.max_line_size = 10;
  cfg.max_line_size_truncate = true;
  LineLimits l(cfg);
  REQUIRE(l.Check(5, 1) == LimitVerdict::kPass);
  REQUIRE(l.Check(11, 1) == LimitVerdict::kTruncate);
  REQUIRE(TruncateUtf8("abc\xC3\xA9", 4) == "abc");
  cfg.max_line_size_truncate = false;
  REQUIRE(LineLimits(cfg).Check(11, 1) == LimitVerdict::kDrop);

  CollectorLimitsConfig rate;
  rate.readline_rate_enabled = true;
  rate.readline_rate = 10;
  rate.readline_burst = 3;
  LineLimits r(rate);
  const int64_t t0 = 1'000'000'000;
  REQUIRE(r.Check(1, t0) == LimitVerdict::kPass);
  REQUIRE(r.Check(1, t0) == LimitVerdict::kPass);
  REQUIRE(r.Check(1, t0) == LimitVerdict::kPass);
  REQUIRE(r.Check(1, t0) == LimitVerdict::kDrop);
  REQUIRE(r.Check(1, t0 + 100'000'000) == LimitVerdict::kPass);  // one token refilled after 100 ms
  rate.readline_rate_drop = false;
  LineLimits w(rate);
  for (int i = 0; i < 3; ++i) REQUIRE(w.Check(1, t0) == LimitVerdict::kPass);
  REQUIRE(w.Check(1, t0) == LimitVerdict::kWait);
}
