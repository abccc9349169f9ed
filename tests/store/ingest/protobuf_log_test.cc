// libprotobuf's log handler: a push with invalid UTF-8 in a string field still gets its 400, writes
// nothing to stderr, and reaches Skald's logger as debug lines, at most one per 10 s.
#include <catch.hpp>

#include <snappy.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "common/logger.h"
#include "store/ingest/protobuf_log.h"
#include "store/ingest/push_decoder.h"
#include "tests/store/ingest/test_bodies.h"

using namespace skald;
using namespace skald::ingest;

namespace {

constexpr int64_t kSec = 1'000'000'000;

// A protobuf+snappy push whose stream labels hold the byte 0xff (built valid, then patched, so
// serializing it does not itself log).
std::string InvalidUtf8Push() {
  std::string body = testing::ProtoPushBody({{R"({app="X"})", {{kSec, "line"}}}});
  std::string raw, out;
  REQUIRE(snappy::Uncompress(body.data(), body.size(), &raw));
  size_t at = raw.find(R"({app="X"})");
  REQUIRE(at != std::string::npos);
  raw[at + 6] = '\xff';
  snappy::Compress(raw.data(), raw.size(), &out);
  return out;
}

// Runs fn with file descriptor 2 pointed at a temporary file; returns what was written there.
template <typename F>
std::string CaptureStderr(F fn) {
  std::fflush(stderr);
  FILE* tmp = std::tmpfile();
  REQUIRE(tmp != nullptr);
  int saved = dup(2);
  dup2(fileno(tmp), 2);
  fn();
  std::fflush(stderr);
  dup2(saved, 2);
  close(saved);
  std::string text;
  std::rewind(tmp);
  for (int c; (c = std::fgetc(tmp)) != EOF;) text += static_cast<char>(c);
  std::fclose(tmp);
  return text;
}

}  // namespace

TEST_CASE("log line limiter: one line per window, the lines held back reported with the next") {
  LogLineLimiter lim(10 * kSec);
  struct Step { int64_t now; bool allowed; uint64_t suppressed; };
  const Step steps[] = {{0, true, 0},          {1, false, 0},           {9 * kSec, false, 0},
                        {10 * kSec, true, 2},  {15 * kSec, false, 0},   {25 * kSec, true, 1},
                        {100 * kSec, true, 0}, {100 * kSec + 1, false, 0}};
  for (const Step& s : steps) {
    INFO("now=" << s.now);
    uint64_t held = 99;
    CHECK(lim.Allow(s.now, &held) == s.allowed);
    if (s.allowed) CHECK(held == s.suppressed);
  }
}

TEST_CASE("invalid UTF-8 in a pushed string field: 400, nothing on stderr, rate-limited debug lines") {
  InstallProtobufLogHandler();
  InstallProtobufLogHandler();  // idempotent
  const std::string body = InvalidUtf8Push();
  PushBodyInfo info;
  info.content_type = "application/x-protobuf";
  std::vector<std::string> lines;
  log::Level old = log::GetLevel();
  log::SetLevel(log::Level::kDebug);
  log::SetSink([&](std::string_view l) { lines.emplace_back(l); });
  const ProtobufLogCounts before = GetProtobufLogCounts();
  std::string err = CaptureStderr([&] {
    for (int i = 0; i < 3; i++) {
      auto r = DecodePushBody(body, info);
      REQUIRE_FALSE(r.ok());
      CHECK(r.status().code() == Code::kInvalidArgument);
    }
  });
  const ProtobufLogCounts after = GetProtobufLogCounts();
  log::SetSink(nullptr);
  log::SetLevel(old);
  CHECK(err.empty());
  CHECK(after.messages - before.messages == 3);
  // The first is written, the next two fall in its 10 s window (no other test here installs the
  // handler, so nothing was logged through it before).
  CHECK(before.messages == 0);
  CHECK(after.suppressed - before.suppressed == 2);
  REQUIRE(lines.size() == 1);
  for (const std::string& l : lines) {
    CHECK(l.find("level=debug") == 0);
    CHECK(l.find("invalid UTF-8") != std::string::npos);
    CHECK(l.find("logproto.StreamAdapter.labels") != std::string::npos);
  }
}
