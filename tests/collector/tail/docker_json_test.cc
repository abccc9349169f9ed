// json-file decoding tables: messages, streams, timestamps, escapes, partial (16 KiB) joining, errors.
#include <catch.hpp>

#include <string>
#include <vector>

#include "collector/tail/docker_json.h"

using namespace skald::tail;

TEST_CASE("json-file record times") {
  struct Case { const char* in; int64_t want; bool ok; };
  std::vector<Case> cases = {
      {"1970-01-01T00:00:00Z", 0, true},
      {"2026-11-26T23:39:14.951815827Z", 1795736354951815827LL, true},
      {"2026-11-26T23:39:14.9Z", 1795736354900000000LL, true},
      {"2026-11-27T00:39:14.5+01:00", 1795736354500000000LL, true},
      {"2026-11-26T22:39:14.5-01:00", 1795736354500000000LL, true},
      {"2026-11-26T23:39:14.1234567891Z", 1795736354123456789LL, true},
      {"2026-11-26 23:39:14Z", 0, false},      // Go's RFC3339 wants the T
      {"2300-01-01T00:00:00Z", 0, false},      // beyond int64 ns: refused, not wrapped to 1715
      {"1600-01-01T00:00:00Z", 0, false},
      {"2026-11-26T23:39:14", 0, false},
      {"2026-13-26T23:39:14Z", 0, false},
      {"garbage", 0, false},
  };
  for (const auto& c : cases) {
    INFO(c.in);
    DockerJsonDecoder d;
    const std::string rec = std::string(R"({"log":"x\n","stream":"stdout","time":")") + c.in + "\"}";
    DockerMessage m;
    auto r = d.Decode(rec, rec.size(), &m);
    REQUIRE(r.ok() == c.ok);
    if (c.ok) REQUIRE(m.ts_ns == c.want);
  }
}

TEST_CASE("json-file record table") {
  struct Case { std::string rec; bool complete; std::string line; DockerStream stream; };
  std::vector<Case> cases = {
      {R"({"log":"hello\n","stream":"stdout","time":"2026-01-01T00:00:00.5Z"})", true, "hello", DockerStream::kStdout},
      {R"({"log":"oops\n","stream":"stderr","time":"2026-01-01T00:00:00Z"})", true, "oops", DockerStream::kStderr},
      {R"({"log":"tab\there \"q\" \u00e9\n","stream":"stdout","time":"2026-01-01T00:00:00Z"})", true, "tab\there \"q\" \xC3\xA9", DockerStream::kStdout},
      {R"({"log":"\n","stream":"stdout","time":"2026-01-01T00:00:00Z"})", true, "", DockerStream::kStdout},
      {R"({"stream":"stdout","log":"order\n","time":"2026-01-01T00:00:00Z","attrs":{"a":"b"}})", true, "order", DockerStream::kStdout},
  };
  DockerJsonDecoder d;
  for (const auto& c : cases) {
    INFO(c.rec);
    DockerMessage m;
    auto r = d.Decode(c.rec, c.rec.size(), &m);
    REQUIRE(r.ok());
    REQUIRE(*r == c.complete);
    REQUIRE(m.line == c.line);
    REQUIRE(m.stream == c.stream);
  }
  DockerMessage m;
  std::string rec = R"({"log":"x\n","stream":"stdout","time":"2026-01-01T00:00:00.5Z"})";
  REQUIRE(*d.Decode(rec, rec.size(), &m));
  REQUIRE(m.ts_ns == 1767225600500000000LL);
}

TEST_CASE("json-file partial records are joined per stream") {
  DockerJsonDecoder d;
  std::string part(16384, 'a');
  auto rec = [](const std::string& log, const char* stream, const char* time) {
    return std::string(R"({"log":")") + log + R"(","stream":")" + stream + R"(","time":")" + time + "\"}";
  };
  DockerMessage m;
  std::string r1 = rec(part, "stdout", "2026-01-01T00:00:01Z");
  std::string e1 = rec("err\\n", "stderr", "2026-01-01T00:00:02Z");
  std::string r2 = rec(std::string(3000, 'b') + "\\n", "stdout", "2026-01-01T00:00:03Z");
  REQUIRE_FALSE(*d.Decode(r1, r1.size(), &m));
  REQUIRE(d.pending_bytes() == 16384);
  REQUIRE(*d.Decode(e1, e1.size(), &m));  // stderr interleaved: its own line
  REQUIRE(m.line == "err");
  REQUIRE(*d.Decode(r2, r2.size(), &m));
  REQUIRE(m.line == part + std::string(3000, 'b'));
  REQUIRE(m.ts_ns == 1767225601000000000LL);  // the first fragment's time
  REQUIRE(m.stream == DockerStream::kStdout);
  REQUIRE(d.pending_bytes() == 0);
}

TEST_CASE("json-file errors") {
  DockerJsonDecoder d;
  DockerMessage m;
  for (std::string bad : {std::string("not json"), std::string(R"({"stream":"stdout","time":"2026-01-01T00:00:00Z"})"),
                          std::string(R"({"log":"x\n","stream":"stdout","time":"yesterday"})"), std::string("{\"log\":\"\xff\\n\"}")}) {
    INFO(bad);
    REQUIRE_FALSE(d.Decode(bad, bad.size(), &m).ok());
  }
}

namespace {
std::string Rec(const std::string& log, const char* stream = "stdout", const char* time = "2026-01-01T00:00:01Z") {
  return std::string(R"({"log":")") + log + R"(","stream":")" + stream + R"(","time":")" + time + "\"}";
}
}  // namespace

// Promtail's docker target reads the log stream with Go's bufio.Reader.ReadLine: "\r\n" and "\n"
// both end a line, exactly one "\r" goes with the "\n", a "\r" not followed by "\n" stays.
TEST_CASE("json-file line ends: CRLF is removed as a whole (issue 20 item 8)") {
  struct Case { std::string log, want; };
  std::vector<Case> cases = {
      {"a\\r\\n", "a"},           // `docker run -t`: the pty turns "\n" into "\r\n"
      {"a\\n", "a"},
      {"\\r\\n", ""},
      {"a\\r\\r\\n", "a\r"},      // only the "\r" of the line end goes
      {"a\\rb\\n", "a\rb"},       // a "\r" inside the line stays
      {"a \\r\\n", "a "},
  };
  DockerJsonDecoder d;
  for (const auto& c : cases) {
    INFO(c.log);
    const std::string r = Rec(c.log);
    DockerMessage m;
    auto res = d.Decode(r, r.size(), &m);
    REQUIRE(res.ok());
    REQUIRE(*res);
    REQUIRE(m.line == c.want);
  }
  SECTION("a 16 KiB joined line ending in CRLF, the \\r in the last fragment or alone before \\n") {
    for (std::string tail : {std::string("zz\\r\\n"), std::string("\\n")}) {
      std::string first(16383, 'a');
      first += tail == "\\n" ? "\\r" : "a";  // the \r ends the first fragment when the tail is "\n"
      const std::string r1 = Rec(first), r2 = Rec(tail);
      DockerMessage m;
      REQUIRE_FALSE(*d.Decode(r1, r1.size(), &m));
      REQUIRE(*d.Decode(r2, r2.size(), &m));
      const std::string want = tail == "\\n" ? std::string(16383, 'a') : std::string(16384, 'a') + "zz";
      REQUIRE(m.line == want);
    }
  }
}

TEST_CASE("json-file final line without newline is handed out when the target ends (issue 20 item 9)") {
  DockerJsonDecoder d;
  DockerMessage m;
  const std::string x = Rec("x\\n"), y = Rec("y", "stdout", "2026-01-01T00:00:05Z");
  REQUIRE(*d.Decode(x, x.size(), &m));
  REQUIRE(m.line == "x");
  REQUIRE_FALSE(*d.Decode(y, y.size(), &m));  // Docker wrote the last output without "\n"
  REQUIRE_FALSE(d.TakePending(DockerStream::kStderr, &m));
  REQUIRE(d.TakePending(DockerStream::kStdout, &m));
  REQUIRE(m.line == "y");
  REQUIRE(m.ts_ns == 1767225605000000000LL);
  REQUIRE(m.stream == DockerStream::kStdout);
  REQUIRE(d.pending_bytes() == 0);
  REQUIRE_FALSE(d.TakePending(DockerStream::kStdout, &m));  // handed out once

  SECTION("a 20000-byte last output: the 16 KiB record and the rest join, \\r without \\n kept") {
    const std::string big(16384, 'b'), rest = std::string(3616, 'c');
    const std::string r1 = Rec(big, "stderr"), r2 = Rec(rest + "\\r", "stderr");
    REQUIRE_FALSE(*d.Decode(r1, r1.size(), &m));
    REQUIRE_FALSE(*d.Decode(r2, r2.size(), &m));
    REQUIRE(d.TakePending(DockerStream::kStderr, &m));
    REQUIRE(m.line == big + rest + "\r");
    REQUIRE(m.stream == DockerStream::kStderr);
  }
  SECTION("16 KiB joins keep working after a pending line was taken") {
    const std::string r1 = Rec(std::string(16384, 'j')), r2 = Rec("k\\n");
    REQUIRE_FALSE(*d.Decode(r1, r1.size(), &m));
    REQUIRE(*d.Decode(r2, r2.size(), &m));
    REQUIRE(m.line == std::string(16384, 'j') + "k");
  }
}
