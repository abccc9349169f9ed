// The peer entry stream: round trips fed in any split, and every way a body can be damaged or cut.
#include <catch.hpp>

#include <vector>

#include "store/cluster/frame_format.h"

namespace skald::cluster {
namespace {

struct Collected : FrameHandler {
  std::vector<std::string> events;
  bool OnStream(LabelSet ls) override { events.push_back("stream " + ls.ToString()); return true; }
  bool OnEntry(LogEntry e) override {
    std::string md;
    for (const auto& l : e.metadata) md += " " + l.name + "=" + l.value;
    events.push_back("entry " + std::to_string(e.ts_ns) + " " + e.line + md);
    return true;
  }
  void OnEnd(bool more) override { events.push_back(more ? "end more" : "end"); }
  void OnError(int s, std::string m) override { events.push_back("error " + std::to_string(s) + " " + m); }
};

std::string Sample() {
  std::string b;
  AppendHeader(b);
  AppendStream(b, *LabelSet::Parse(R"({app="a", env="prod"})"));
  std::vector<Label> md = {{"trace_id", "t1"}, {"user", "u\n2"}};
  AppendEntry(b, 1000, "hello", nullptr);
  AppendEntry(b, -5, std::string("bin\0ary", 7), &md);
  AppendStream(b, *LabelSet::Parse(R"({app="b"})"));
  AppendEntry(b, 2000, "", nullptr);
  AppendEnd(b, true);
  return b;
}

const std::vector<std::string> kSampleEvents = {
    R"(stream {app="a", env="prod"})", "entry 1000 hello", std::string("entry -5 bin\0ary trace_id=t1 user=u\n2", 37),
    R"(stream {app="b"})", "entry 2000 ", "end more"};

TEST_CASE("frames round trip whatever the split of the body") {
  const std::string body = Sample();
  for (size_t step : {size_t{1}, size_t{3}, size_t{9}, body.size()}) {
    Collected c;
    FrameDecoder d(&c);
    for (size_t i = 0; i < body.size(); i += step) {
      REQUIRE(d.Feed(body.data() + i, std::min(step, body.size() - i)).ok());
    }
    REQUIRE(d.Finish().ok());
    CHECK(c.events == kSampleEvents);
  }
}

TEST_CASE("an error frame ends the body and carries status and message") {
  std::string b;
  AppendHeader(b);
  AppendStream(b, *LabelSet::Parse(R"({a="1"})"));
  AppendError(b, 504, "query timeout");
  Collected c;
  FrameDecoder d(&c);
  REQUIRE(d.Feed(b.data(), b.size()).ok());
  REQUIRE(d.Finish().ok());
  REQUIRE(c.events.size() == 2);
  CHECK(c.events[1] == "error 504 query timeout");
}

TEST_CASE("a body cut anywhere before its end frame is an error, never a short answer") {
  const std::string body = Sample();
  for (size_t cut = 0; cut < body.size(); cut++) {
    Collected c;
    FrameDecoder d(&c);
    Status fed = d.Feed(body.data(), cut);
    CHECK((!fed.ok() || !d.Finish().ok()));
  }
}

TEST_CASE("damaged bodies are refused: magic, version, checksum, length, trailing bytes") {
  const std::string body = Sample();
  struct Case {
    const char* name;
    size_t offset;
  };
  // byte 0 (magic), 4 (version), a CRC byte of the first frame, a payload byte of an entry
  for (Case k : {Case{"magic", 0}, Case{"version", 4}, Case{"crc", kHeaderSize + 6},
                 Case{"payload", kHeaderSize + kFrameOverhead + 3}}) {
    INFO(k.name);
    std::string bad = body;
    bad[k.offset] = static_cast<char>(bad[k.offset] ^ 0x5a);
    Collected c;
    FrameDecoder d(&c);
    CHECK(!d.Feed(bad.data(), bad.size()).ok());
  }
  std::string huge = body.substr(0, kHeaderSize) + std::string("\xff\xff\xff\x7f\x01\0\0\0\0", 9);
  Collected c1;
  FrameDecoder d1(&c1);
  CHECK(!d1.Feed(huge.data(), huge.size()).ok());
  std::string trailing = body + "x";
  Collected c2;
  FrameDecoder d2(&c2);
  CHECK(!d2.Feed(trailing.data(), trailing.size()).ok());
}

}  // namespace
}  // namespace skald::cluster
