// Per-stage behaviour from Promtail's documented examples: config + input → labels, extracted map,
// timestamp, output; and config validation errors with file:line and the key.
#include <catch.hpp>

#include <map>

#include "collector/pipeline/stages/custom_metrics.h"
#include "common/gotime/gotime.h"
#include "stage_test_util.h"

using namespace skald;
using namespace skald::pipeline;
using namespace skald::pipeline::testing;

namespace {
int64_t Ts(const std::string& rfc3339) { return gotime::Parse(gotime::kRFC3339Nano, rfc3339)->unix_ns(); }
}  // namespace

TEST_CASE("json stage: documented example") {
  const char* cfg = R"(
- json:
    expressions:
      output: log
      stream: stream
      timestamp: time
)";
  Entry e = RunOne(cfg, R"({"log":"log message\n","stream":"stderr","time":"2019-04-30T02:12:41.8443515Z"})");
  CHECK(Ex(e, "output") == "log message\n");
  CHECK(Ex(e, "stream") == "stderr");
  CHECK(Ex(e, "timestamp") == "2019-04-30T02:12:41.8443515Z");
}

TEST_CASE("json stage: source, nested, malformed") {
  const char* cfg = R"(
- json:
    expressions:
      extra:
- json:
    expressions:
      user:
    source: extra
)";
  Entry e = RunOne(cfg, R"({"time":"x","extra":"{\"user\":\"marco\"}"})");
  CHECK(Ex(e, "extra") == R"({"user":"marco"})");
  CHECK(Ex(e, "user") == "marco");

  // not JSON: nothing extracted, entry kept (Promtail logs at debug and continues)
  Entry m = RunOne("- json: {expressions: {a: a}}", "plain text line");
  CHECK_FALSE(m.dropped);
  CHECK(Ex(m, "a") == "<absent>");
  CHECK(m.line == "plain text line");
  Entry d = RunOne("- json: {expressions: {a: a}, drop_malformed: true}", "plain text line");
  CHECK(d.dropped);
  Entry arr = RunOne("- json: {expressions: {a: a}, drop_malformed: true}", "[1,2]");
  CHECK(arr.dropped);
}

TEST_CASE("json stage: leading JSON whitespace before the object is allowed, other text is not JSON") {
  for (const char* lead : {"", " ", "\t", "\r\n ", "  \n\t"}) {
    Entry e = RunOne("- json: {expressions: {a: a}}", std::string(lead) + R"({"a":"x"})");
    INFO("lead " << std::string(lead).size() << " bytes");
    CHECK(Ex(e, "a") == "x");
  }
  for (const char* text : {"", "   ", "\v{\"a\":\"x\"}", "x{\"a\":\"x\"}"}) {
    Entry e = RunOne("- json: {expressions: {a: a}, drop_malformed: true}", text);
    INFO(text);
    CHECK(e.dropped);
  }
}

TEST_CASE("labels stage: values that are not valid UTF-8 are skipped") {
  struct Case {
    std::string value;
    bool set;
  } cases[] = {
      {"plain", true},  {"caf\xc3\xa9", true}, {"\xe2\x82\xac 5", true}, {"\xf0\x9f\x98\x80", true},
      {"bad\xff", false}, {"ab\xc3", false},    {"\xc3(", false},       {"\x80" "abc", false},
      {"ok then \xed\xa0", false},
      // Well formed by shape but not UTF-8 for Go: overlong forms, a surrogate, past U+10FFFF.
      {"\xc0\xaf", false}, {"x\xe0\x80\xaf", false}, {"\xed\xa0\x80", false}, {"\xf4\x90\x80\x80", false},
      {"\xf4\x8f\xbf\xbf max", true}, {"\xed\x9f\xbf", true},
  };
  auto chain = BuildChain("- labels: {v: }\n");
  REQUIRE(chain.ok());
  for (const auto& c : cases) {
    Entry e = MakeEntry("x");
    e.extracted.Set("v", c.value);
    chain->ProcessInPlace(e);
    INFO(c.value);
    CHECK(e.labels.Get("v").has_value() == c.set);
  }
}

TEST_CASE("regex stage: with a source, every group gets its value even when a group overwrites the source") {
  // The matched text lives in the extracted map; storing the first group used to overwrite (or move)
  // it before the next group was read. Go's strings cannot change under the match: all see "foo".
  for (const char* expr : {"(?P<msg>(?P<b>foo|bar))", "(?P<msg>(?P<b>fo+|bar))", "(?P<a>(?P<b>foo|bar))",
                           "(?P<a>(?P<b>fo+|bar))", "(?P<a>fo+)x*(?P<b>o*)"}) {
    INFO(expr);
    YAML::Node n = YAML::Load("[{json: {expressions: {msg: }}}, {regex: {source: msg}}]");
    n[1]["regex"]["expression"] = expr;
    auto chain = StageChain::Build(n, {"t.yaml", "j", nullptr});
    REQUIRE(chain.ok());
    Entry e = MakeEntry(R"({"msg":"xxfoo"})");
    chain->ProcessInPlace(e);
    if (std::string(expr).find("x*") != std::string::npos) {
      CHECK(Ex(e, "a") == "foo");
      CHECK(Ex(e, "b") == "");
      continue;
    }
    CHECK(Ex(e, "b") == "foo");
    CHECK(Ex(e, std::string(expr).find("<msg>") != std::string::npos ? "msg" : "a") == "foo");
  }
}

TEST_CASE("regex stage: documented examples") {
  Entry e = RunOne(R"(- regex: {expression: "^(?s)(?P<time>\\S+?) (?P<stream>stdout|stderr) (?P<flags>\\S+?) (?P<content>.*)$"})",
                   "2019-01-01T01:00:00.000000001Z stderr P i'm a log message!");
  CHECK(Ex(e, "time") == "2019-01-01T01:00:00.000000001Z");
  CHECK(Ex(e, "stream") == "stderr");
  CHECK(Ex(e, "flags") == "P");
  CHECK(Ex(e, "content") == "i'm a log message!");

  const char* two = R"Y(
- json: {expressions: {time: }}
- regex: {expression: "^(?P<year>\\d+)", source: time}
)Y";
  Entry s = RunOne(two, R"({"time":"2019-01-01T01:00:00.000000001Z"})");
  CHECK(Ex(s, "year") == "2019");
  // no match: nothing set; unmatched optional group → ""
  CHECK(Ex(RunOne("- regex: {expression: '(?P<x>zzz)'}", "abc"), "x") == "<absent>");
  CHECK(Ex(RunOne("- regex: {expression: 'a(?P<x>q)?b'}", "ab"), "x") == "");

  // one named group around the whole expression (found without a submatch pass) and near misses
  struct Case { std::string expr, line, want; };
  std::vector<Case> cases = {
      {"(?P<x>(ERROR|WARN|INFO))", "ts=1 level WARN then ERROR", "WARN"},
      {"(?P<x>\\d{3})", "2026-11-26 status 503", "202"},
      {"(?P<x>[)]a)", "b)a", ")a"},
      {"(?P<x>[]]a)", "]a", "]a"},
      {"(?P<x>\\(a)", "x(a", "(a"},
      {"(?P<x>a)(b)", "zab", "a"},
      {"(?P<x>a)|(b)", "b", ""},
      {"(?P<x>a)b", "zab", "a"},
  };
  for (const auto& c : cases) {
    INFO(c.expr << " on " << c.line);
    YAML::Node n = YAML::Load("- regex: {}");
    n[0]["regex"]["expression"] = c.expr;
    auto chain = StageChain::Build(n, {"t.yaml", "j", nullptr});
    REQUIRE(chain.ok());
    Entry e = MakeEntry(c.line);
    chain->ProcessInPlace(e);
    CHECK(Ex(e, "x") == c.want);
  }
}

TEST_CASE("logfmt stage") {
  const char* cfg = R"(
- logfmt:
    mapping:
      timestamp: time
      app:
      duration:
      unknown:
)";
  Entry e = RunOne(cfg, R"(time=2012-11-01T22:08:41+00:00 app=loki level=WARN duration=125 message="this is a log line" extra="user=foo")");
  CHECK(Ex(e, "timestamp") == "2012-11-01T22:08:41+00:00");
  CHECK(Ex(e, "app") == "loki");
  CHECK(Ex(e, "duration") == "125");
  CHECK(Ex(e, "unknown") == "<absent>");
  Entry q = RunOne("- logfmt: {mapping: {msg: }}", R"(msg="quoted \"x\" value" b=1)");
  CHECK(Ex(q, "msg") == "quoted \"x\" value");
}

TEST_CASE("timestamp stage: formats") {
  struct Case {
    std::string format, value;
    int64_t want;
  };
  const int64_t base = 1795687200LL * 1000000000LL;  // 2026-11-26T10:00:00Z
  std::vector<Case> cases = {
      {"RFC3339", "2026-11-26T10:00:00Z", base},
      {"RFC3339Nano", "2026-11-26T10:00:00.123456789Z", base + 123456789},
      {"Unix", "1795687200", base},
      {"Unix", "1795687200.5", base + 500000000},
      {"UnixMs", "1795687200123", base + 123000000},
      {"UnixUs", "1795687200123456", base + 123456000},
      {"UnixNs", "1795687200123456789", base + 123456789},
      {"ANSIC", "Thu Nov 26 10:00:00 2026", base},
      {"RFC1123Z", "Thu, 26 Nov 2026 10:00:00 +0000", base},
      {"2006-01-02 15:04:05.000", "2026-11-26 10:00:00.250", base + 250000000},
      {"02/Jan/2006:15:04:05 -0700", "26/Nov/2026:11:00:00 +0100", base},
  };
  for (const auto& c : cases) {
    INFO(c.format << " " << c.value);
    std::string cfg = "- json: {expressions: {t: t}}\n- timestamp: {source: t, format: '" + c.format + "'}\n";
    Entry e = RunOne(cfg, "{\"t\":\"" + c.value + "\"}");
    CHECK(e.ts_ns == c.want);
  }
}

// Regression (fuzz_line_stages): times beyond int64 nanoseconds overflowed (undefined behaviour) in
// the Unix* formats, in Go layouts (year 1012) and in fudge's +1ns after such a time; they saturate.
TEST_CASE("timestamp stage: times beyond int64 nanoseconds saturate") {
  struct Case { const char* format; const char* value; int64_t want; };
  for (const Case& c : {Case{"Unix", "99999999999999999", INT64_MAX}, Case{"Unix", "-99999999999.5", INT64_MIN},
                        Case{"UnixMs", "-99999999999999999", INT64_MIN}, Case{"UnixUs", "9999999999999999", INT64_MAX},
                        Case{"RFC3339Nano", "1012-01-02T03:04:05Z", INT64_MIN}}) {
    INFO(c.format << " " << c.value);
    std::string cfg = "- json: {expressions: {t: t}}\n- timestamp: {source: t, format: '" + std::string(c.format) + "'}\n";
    CHECK(RunOne(cfg, "{\"t\":\"" + std::string(c.value) + "\"}").ts_ns == c.want);
  }
  auto chain = BuildChain("- regex: {expression: '^(?P<t>\\S+)'}\n- timestamp: {source: t, format: UnixNs}\n");
  REQUIRE(chain.ok());
  Entry max = MakeEntry("9223372036854775807 ok", L("{a=\"1\"}"), 5);
  chain->ProcessInPlace(max);
  CHECK(max.ts_ns == INT64_MAX);
  Entry after = MakeEntry("garbage", L("{a=\"1\"}"), 5);
  chain->ProcessInPlace(after);
  CHECK(after.ts_ns == INT64_MAX);  // fudge: last + 1ns, saturated
}

TEST_CASE("timestamp stage: fallback, location, failure actions") {
  const char* cfg = R"(
- regex: {expression: '^(?P<t>\S+ \S+)'}
- timestamp:
    source: t
    format: RFC3339
    fallback_formats: ['2006-01-02 15:04:05']
    location: America/New_York
)";
  // fallback layout in location (EST, -5h)
  CHECK(RunOne(cfg, "2026-01-01 12:00:00 hello").ts_ns == Ts("2026-01-01T17:00:00Z"));

  auto chain = BuildChain("- regex: {expression: '^(?P<t>\\S+)'}\n- timestamp: {source: t, format: RFC3339}\n");
  REQUIRE(chain.ok());
  Entry good = MakeEntry("2026-11-26T10:00:00Z ok", L("{a=\"1\"}"), 5);
  chain->ProcessInPlace(good);
  CHECK(good.ts_ns == Ts("2026-11-26T10:00:00Z"));
  Entry bad = MakeEntry("garbage", L("{a=\"1\"}"), 5);
  chain->ProcessInPlace(bad);
  CHECK(bad.ts_ns == Ts("2026-11-26T10:00:00Z") + 1);  // fudge: last + 1ns for the same stream
  Entry other = MakeEntry("garbage", L("{a=\"2\"}"), 5);
  chain->ProcessInPlace(other);
  CHECK(other.ts_ns == 5);  // no history for this stream: unchanged

  // The history is per resulting label set, however it was reached (base labels + stage edits).
  auto edited = BuildChain("- regex: {expression: '^(?P<t>\\S+)'}\n- labeldrop: [b]\n"
                           "- static_labels: {c: '3'}\n- timestamp: {source: t, format: RFC3339}\n");
  REQUIRE(edited.ok());
  Entry g3 = MakeEntry("2026-11-26T10:00:00Z ok", L("{a=\"1\", b=\"2\"}"), 5);
  edited->ProcessInPlace(g3);
  CHECK(g3.ts_ns == Ts("2026-11-26T10:00:00Z"));
  Entry b3 = MakeEntry("garbage", L("{a=\"1\", c=\"3\"}"), 5);  // the same set {a, c}, no b to drop
  edited->ProcessInPlace(b3);
  CHECK(b3.ts_ns == Ts("2026-11-26T10:00:00Z") + 1);
  Entry b4 = MakeEntry("garbage", L("{a=\"1\", b=\"9\", c=\"4\"}"), 5);  // b dropped, c set to 3
  edited->ProcessInPlace(b4);
  CHECK(b4.ts_ns == Ts("2026-11-26T10:00:00Z") + 2);
  Entry b5 = MakeEntry("garbage", L("{a=\"2\"}"), 5);  // {a=2, c=3}: another stream
  edited->ProcessInPlace(b5);
  CHECK(b5.ts_ns == 5);

  auto skip = BuildChain("- regex: {expression: '^(?P<t>\\S+)'}\n- timestamp: {source: t, format: RFC3339, action_on_failure: skip}\n");
  REQUIRE(skip.ok());
  Entry g2 = MakeEntry("2026-11-26T10:00:00Z ok", {}, 5);
  skip->ProcessInPlace(g2);
  Entry b2 = MakeEntry("garbage", {}, 5);
  skip->ProcessInPlace(b2);
  CHECK(b2.ts_ns == 5);
}

TEST_CASE("output, labels, static_labels, labeldrop, labelallow, structured_metadata") {
  const char* cfg = R"(
- json: {expressions: {user: , message: , level: lvl, trace: }}
- labels: {user: , severity: level}
- structured_metadata: {trace: }
- output: {source: message}
- static_labels: {env: prod}
)";
  Entry e = RunOne(cfg, R"({"user":"alice","message":"hi","lvl":"warn","trace":"abc"})", L(R"({job="x"})"));
  CHECK(e.labels == L(R"({env="prod", job="x", severity="warn", user="alice"})"));
  CHECK(e.line == "hi");
  REQUIRE(e.metadata.size() == 1);
  CHECK(e.metadata[0] == Label{"trace", "abc"});

  Entry d = RunOne("- labeldrop: [a, b]", "x", L(R"({a="1", b="2", c="3"})"));
  CHECK(d.labels == L(R"({c="3"})"));
  Entry k = RunOne("- labelallow: [a, b]", "x", L(R"({a="1", b="2", c="3"})"));
  CHECK(k.labels == L(R"({a="1", b="2"})"));
}

TEST_CASE("docker and cri stages") {
  Entry d = RunOne("- docker: {}", R"({"log":"log message\n","stream":"stderr","time":"2019-04-30T02:12:41.8443515Z"})");
  CHECK(d.line == "log message\n");
  CHECK(d.labels == L(R"({stream="stderr"})"));
  CHECK(d.ts_ns == Ts("2019-04-30T02:12:41.8443515Z"));

  Entry c = RunOne("- cri: {}", "2019-01-01T01:00:00.000000001Z stderr F i'm a log message!");
  CHECK(c.line == "i'm a log message!");
  CHECK(c.labels == L(R"({stream="stderr"})"));
  CHECK(c.ts_ns == Ts("2019-01-01T01:00:00.000000001Z"));

  auto chain = BuildChain("- cri: {}");
  REQUIRE(chain.ok());
  Entry p1 = MakeEntry("2019-01-01T01:00:00Z stdout P part one ");
  CHECK_FALSE(chain->ProcessInPlace(p1));
  Entry p2 = MakeEntry("2019-01-01T01:00:01Z stdout F part two");
  CHECK(chain->ProcessInPlace(p2));
  CHECK(p2.line == "part one part two");
}

TEST_CASE("match stage: selector, line filter, drop, nested stages") {
  const char* cfg = R"(
- json: {expressions: {app: }}
- labels: {app: }
- match:
    selector: '{app="loki"}'
    stages:
      - json: {expressions: {msg: message}}
      - output: {source: msg}
- match:
    selector: '{app="noisy"} |= "debug"'
    action: drop
    drop_counter_reason: noisy
)";
  Entry a = RunOne(cfg, R"({"app":"loki","message":"from loki"})");
  CHECK(a.line == "from loki");
  Entry b = RunOne(cfg, R"({"app":"other","message":"x"})");
  CHECK(b.line == R"({"app":"other","message":"x"})");
  Entry n = RunOne(cfg, R"({"app":"noisy","message":"debug stuff"})");
  CHECK(n.dropped);
  CHECK(n.drop_reason == "noisy");
  CHECK_FALSE(RunOne(cfg, R"({"app":"noisy","message":"info stuff"})").dropped);
  CHECK(RunOne("- match: {selector: '{a=~\"x.*\"} !~ \"^skip\"', action: drop}", "keep", L(R"({a="xy"})")).dropped);
  CHECK_FALSE(RunOne("- match: {selector: '{a=~\"x.*\"} !~ \"^skip\"', action: drop}", "skip me", L(R"({a="xy"})")).dropped);
}

TEST_CASE("drop stage") {
  struct Case {
    std::string cfg, line;
    bool dropped;
  };
  std::vector<Case> cases = {
      {"- drop: {expression: '.*debug.*'}", "a debug line", true},
      {"- drop: {expression: '.*debug.*'}", "an info line", false},
      {"- json: {expressions: {app: }}\n- drop: {source: app}", R"({"app":"x"})", true},
      {"- json: {expressions: {app: }}\n- drop: {source: app}", R"({"other":"x"})", false},
      {"- json: {expressions: {app: }}\n- drop: {source: app, value: foo}", R"({"app":"foo"})", true},
      {"- json: {expressions: {app: }}\n- drop: {source: app, value: foo}", R"({"app":"bar"})", false},
      {"- json: {expressions: {a: , b: }}\n- drop: {source: [a, b], separator: '#', value: '1#2'}", R"({"a":"1","b":"2"})", true},
      {"- drop: {longer_than: 8}", "123456789", true},
      {"- drop: {longer_than: 8}", "12345678", false},
      {"- drop: {older_than: 1h}", "old", true},  // ts = 1ns since epoch
      {"- drop: {longer_than: 1, expression: 'x'}", "yy", false},  // all conditions must hold
  };
  for (const auto& c : cases) {
    INFO(c.cfg << " | " << c.line);
    Entry e = RunOne(c.cfg, c.line);
    CHECK(e.dropped == c.dropped);
    if (e.dropped) CHECK(e.drop_reason == "drop_stage");
  }
}

TEST_CASE("tenant, pack, decolorize, sampling, limit") {
  CHECK(RunOne("- tenant: {value: team-a}", "x").labels.Get("__tenant_id__") == "team-a");
  CHECK(RunOne("- json: {expressions: {c: customer}}\n- tenant: {source: c}", R"({"customer":"acme"})")
            .labels.Get("__tenant_id__") == "acme");
  Entry p = RunOne("- pack: {labels: [pod, job], ingest_timestamp: false}", "a \"line\"", L(R"({job="j", pod="p1", x="y"})"), 7);
  CHECK(p.line == R"({"job":"j","pod":"p1","_entry":"a \"line\""})");
  CHECK(p.labels == L(R"({x="y"})"));
  CHECK(p.ts_ns == 7);
  CHECK(RunOne("- decolorize: {}", "\x1b[0;32mgreen\x1b[0m text").line == "green text");
  int kept = 0;
  auto s = BuildChain("- sampling: {rate: 0.5}");
  REQUIRE(s.ok());
  for (int i = 0; i < 2000; ++i) {
    Entry e = MakeEntry("x");
    kept += s->ProcessInPlace(e);
  }
  CHECK(kept > 800);
  CHECK(kept < 1200);
  auto lim = BuildChain("- limit: {rate: 1, burst: 3, drop: true}");
  REQUIRE(lim.ok());
  int passed = 0;
  for (int i = 0; i < 10; ++i) {
    Entry e = MakeEntry("x");
    passed += lim->ProcessInPlace(e);
  }
  CHECK(passed == 3);
  auto by = BuildChain("- limit: {rate: 1, burst: 1, drop: true, by_label_name: app}");
  REQUIRE(by.ok());
  Entry a1 = MakeEntry("x", L(R"({app="a"})")), a2 = MakeEntry("x", L(R"({app="a"})")), b1 = MakeEntry("x", L(R"({app="b"})"));
  CHECK(by->ProcessInPlace(a1));
  CHECK_FALSE(by->ProcessInPlace(a2));
  CHECK(a2.drop_reason == "ratelimit_drop_stage");  // Promtail's reason label
  CHECK(by->ProcessInPlace(b1));
}

TEST_CASE("multiline stage") {
  auto chain = BuildChain("- multiline: {firstline: '^\\[\\d{4}', max_wait_time: 3s, max_lines: 3}");
  REQUIRE(chain.ok());
  REQUIRE(chain->buffers());
  std::vector<Entry> out;
  for (const char* l : {"[2026] first", "  at a", "  at b", "[2026] second", "[2026] third", "x1", "x2", "x3"})
    chain->Push(MakeEntry(l), out);
  REQUIRE(out.size() == 3);
  CHECK(out[0].line == "[2026] first\n  at a\n  at b");
  CHECK(out[1].line == "[2026] second");
  CHECK(out[2].line == "[2026] third\nx1\nx2");  // max_lines
  chain->Flush(0, false, out);
  CHECK(out.size() == 3);  // not idle yet
  chain->Flush(INT64_MAX, false, out);
  REQUIRE(out.size() == 4);
  CHECK(out[3].line == "x3");

  // one target's two streams (stdout, stderr) interleaved: blocks are kept per label set
  auto two = BuildChain("- multiline: {firstline: '^\\[\\d{4}'}");
  REQUIRE(two.ok());
  std::vector<Entry> got;
  const LabelSet out_ls = L(R"({stream="stdout"})"), err_ls = L(R"({stream="stderr"})");
  for (auto [line, ls] : std::vector<std::pair<const char*, LabelSet>>{
           {"[2026] out", out_ls}, {"[2026] err", err_ls}, {"  out 1", out_ls}, {"  err 1", err_ls},
           {"[2026] out 2", out_ls}})
    two->Push(MakeEntry(line, ls), got);
  REQUIRE(got.size() == 1);
  CHECK(got[0].line == "[2026] out\n  out 1");
  two->Flush(0, true, got);
  REQUIRE(got.size() == 3);
  std::map<std::string, LabelSet> flushed = {{got[1].line.str(), got[1].labels}, {got[2].line.str(), got[2].labels}};
  CHECK(flushed == std::map<std::string, LabelSet>{{"[2026] err\n  err 1", err_ls}, {"[2026] out 2", out_ls}});
}

TEST_CASE("metrics stage") {
  auto reg = std::make_shared<CustomMetrics>();
  const char* cfg = R"(
- regex: {expression: 'status=(?P<status>\d+) bytes=(?P<bytes>\d+)'}
- metrics:
    log_lines_total:
      type: Counter
      description: all lines
      config: {match_all: true, action: inc}
    log_bytes_total:
      type: Counter
      config: {match_all: true, count_entry_bytes: true, action: add}
    errors_total:
      type: Counter
      source: status
      config: {value: "500", action: inc}
    last_bytes:
      type: Gauge
      source: bytes
      config: {action: set}
    bytes_hist:
      type: Histogram
      source: bytes
      config: {buckets: [10, 100]}
)";
  auto chain = StageChain::Build(YAML::Load(cfg), {"t.yaml", "job", reg});
  REQUIRE(chain.ok());
  for (const char* l : {"status=200 bytes=5", "status=500 bytes=50", "status=500 bytes=500"}) {
    Entry e = MakeEntry(l, L(R"({app="a"})"));
    chain->ProcessInPlace(e);
  }
  LabelSet ls = L(R"({app="a"})");
  CHECK(reg->Value("promtail_custom_log_lines_total", ls) == 3);
  CHECK(reg->Value("promtail_custom_log_bytes_total", ls) == 18 + 19 + 20);
  CHECK(reg->Value("promtail_custom_errors_total", ls) == 2);
  CHECK(reg->Value("promtail_custom_last_bytes", ls) == 500);
  std::string text = reg->Exposition();
  CHECK(text.find("# HELP promtail_custom_log_lines_total all lines") != std::string::npos);
  CHECK(text.find("promtail_custom_bytes_hist_bucket{app=\"a\",le=\"10\"} 1") != std::string::npos);
  CHECK(text.find("promtail_custom_bytes_hist_bucket{app=\"a\",le=\"100\"} 2") != std::string::npos);
  CHECK(text.find("promtail_custom_bytes_hist_count{app=\"a\"} 3") != std::string::npos);
  reg->Expire(INT64_MAX);
  CHECK(std::isnan(reg->Value("promtail_custom_log_lines_total", ls)));
}

TEST_CASE("config errors carry file:line, stage and key") {
  struct Case {
    std::string yaml, want;
  };
  std::vector<Case> cases = {
      {"- regex:\n    expression: '('\n", "test.yaml:2: regex stage: expression: could not compile regular expression \"(\": missing ): ("},
      {"- json:\n    expressions: {a: 'a['}\n", "test.yaml:2: json stage: expressions: could not compile JMES expression"},
      {"- json:\n    expresions: {a: a}\n", "test.yaml:2: json stage: unknown key \"expresions\""},
      {"- nosuchstage: {}\n", "test.yaml:1: unknown pipeline stage \"nosuchstage\""},
      {"- timestamp: {source: t}\n", "test.yaml:1: timestamp stage: format: format is required"},
      {"- timestamp:\n    source: t\n    format: RFC3339\n    location: Mars/Base\n", "test.yaml:4: timestamp stage: location: failed to load location: unknown time zone Mars/Base"},
      {"- timestamp: {source: t, format: RFC3339, action_on_failure: explode}\n", "test.yaml:1: timestamp stage: action_on_failure: invalid action on failure"},
      {"- match:\n    selector: '{app=}'\n    action: drop\n", "test.yaml:2: match stage: selector: invalid selector syntax for match stage"},
      {"- drop: {}\n", "test.yaml:1: drop stage: drop stage config must contain at least one of"},
      {"- multiline: {max_lines: 3}\n", "test.yaml:1: multiline stage: firstline:"},
      {"- metrics:\n    m:\n      type: counter\n      config: {action: set}\n", "test.yaml:4: metrics stage: action: metric m: counter action must be inc or add"},
      {"- labels: {'bad-name': x}\n", "test.yaml:1: labels stage: bad-name: invalid label name: bad-name"},
      {"- output: {}\n", "test.yaml:1: output stage: source: output source value is required"},
      {"- json: {expressions: {a: a}}\n  regex: {expression: x}\n", "test.yaml:1: pipeline stage must contain only one key"},
      {"- limit: {rate: 1, burst: 1, by_label_name: app}\n", "test.yaml:1: limit stage: drop: When ratelimiting by label, drop must be true"},
  };
  for (const auto& c : cases) {
    INFO(c.yaml);
    auto r = BuildChain(c.yaml);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message().rfind(c.want, 0) == 0);
    if (r.status().message().rfind(c.want, 0) != 0) WARN(r.status().message());
  }
}
