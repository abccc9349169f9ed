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
