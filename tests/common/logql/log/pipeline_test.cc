// End-to-end pipeline tests: LogQL text → parser → BuildPipeline → lines, with Loki's documented
// examples for every stage, __error__ handling, structured metadata, unicode/empty/huge lines.
#include <catch.hpp>

#include "tests/common/logql/log/test_util.h"

using namespace skald;
using namespace skald::logql::log;
using skald::logql::log::testing::RunOne;

namespace {

struct Case {
  std::string query;
  std::string line;
  bool kept;
  std::string want_line;    // "" = unchanged input line
  std::string want_labels;  // checked when non-empty
};

void RunTable(const std::vector<Case>& cases, const std::string& stream = R"({app="web"})") {
  for (const auto& c : cases) {
    INFO(c.query << "  on  " << c.line);
    auto o = RunOne(c.query, stream, c.line);
    CHECK(o.kept == c.kept);
    if (!o.kept || !c.kept) continue;
    CHECK(o.line == (c.want_line.empty() ? c.line : c.want_line));
    if (!c.want_labels.empty()) CHECK(o.labels == c.want_labels);
  }
}

const char* kLokiJson =
    R"({"protocol":"HTTP/2.0","servers":["129.0.1.1","10.2.1.3"],"request":{"time":"6.032",)"
    R"("method":"GET","host":"foo.grafana.net","size":"55","headers":{"Accept":"*/*",)"
    R"("User-Agent":"curl/7.68.0"}},"response":{"status":401,"size":"228","latency_seconds":"6.031"}})";

}  // namespace

TEST_CASE("line filters") {
  RunTable({
      {R"({app="web"} |= "error")", "an error occurred", true, "", R"({app="web"})"},
      {R"({app="web"} |= "error")", "all good", false, "", ""},
      {R"({app="web"} != "error")", "all good", true, "", ""},
      {R"({app="web"} |= "a" |= "b")", "a only", false, "", ""},
      {R"({app="web"} |= "a" or "b")", "b only", true, "", ""},
      {R"({app="web"} != "a" or "b")", "b only", false, "", ""},
      {R"({app="web"} |~ "err(or)?")", "an err", true, "", ""},
      {R"({app="web"} !~ "(?i)ERROR")", "an error", false, "", ""},
      {R"({app="web"} |= ip("192.168.0.0/16"))", "from 192.168.3.4 GET", true, "", ""},
      {R"({app="web"} != ip("192.168.0.0/16"))", "from 192.168.3.4 GET", false, "", ""},
      {R"({app="web"} |= "")", "", true, "", ""},
      {R"({app="web"} |= "日本")", "ログ 日本語", true, "", ""},
      {R"({app="web"} |> "<_> GET <_>")", "x GET /y", true, "", ""},
      {R"({app="web"} !> "<_> GET <_>")", "x GET /y", false, "", ""},
  });
}

TEST_CASE("json parser: Loki's documented flattening, params, errors") {
  RunTable({
      {R"({app="web"} | json)", kLokiJson, true, "",
       R"({app="web", protocol="HTTP/2.0", request_headers_Accept="*/*", )"
       R"(request_headers_User_Agent="curl/7.68.0", request_host="foo.grafana.net", )"
       R"(request_method="GET", request_size="55", request_time="6.032", )"
       R"(response_latency_seconds="6.031", response_size="228", response_status="401"})"},
      {R"({app="web"} | json first_server="servers[0]", ua="request.headers[\"User-Agent\"]")",
       kLokiJson, true, "", R"({app="web", first_server="129.0.1.1", ua="curl/7.68.0"})"},
      {R"({app="web"} | json headers="request.headers")", kLokiJson, true, "",
       R"({app="web", headers="{\"Accept\":\"*/*\",\"User-Agent\":\"curl/7.68.0\"}"})"},
      {R"({app="web"} | json)", R"({"app":"other","1st":"x","a.b":1.50,"ok":true,"n":null})", true, "",
       R"({_1st="x", a_b="1.50", app="web", app_extracted="other", ok="true"})"},
      {R"({app="web"} | json)", R"({"msg":"caf\u00e9 \"q\""})", true, "",
       R"({app="web", msg="café \"q\""})"},
      {R"({app="web"} | json | response_status >= 400)", kLokiJson, true, "", ""},
      {R"({app="web"} | json | response_status >= 500)", kLokiJson, false, "", ""},
      {R"({app="web"} | json | __error__ = "")", "not json", false, "", ""},
      {R"({app="web"} | json | __error__ = "JSONParserErr")", "not json", true, "", ""},
      {R"({app="web"} | json | __error__ = "JSONParserErr")", R"({"a":)", true, "", ""},
      {R"({app="web"} | json | __error__ = "")", "{}", true, "", R"({app="web"})"},
  });
  auto o = RunOne(R"({app="web"} | json)", R"({app="web"})", "oops");
  REQUIRE(o.kept);
  CHECK(o.labels.find(R"(__error__="JSONParserErr")") != std::string::npos);
  CHECK(o.labels.find("__error_details__=") != std::string::npos);
}

TEST_CASE("logfmt parser") {
  RunTable({
      {R"({app="web"} | logfmt)",
       R"(at=info method=GET path=/ host=grafana.net fwd="124.133.124.161" service=8ms status=200)",
       true, "",
       R"({app="web", at="info", fwd="124.133.124.161", host="grafana.net", method="GET", path="/", service="8ms", status="200"})"},
      {R"({app="web"} | logfmt)", R"(a==b c=d)", true, "", R"({app="web", c="d"})"},
      {R"({app="web"} | logfmt --strict)", R"(a==b c=d)", true, "", ""},
      {R"({app="web"} | logfmt --strict | __error__="")", R"(a==b c=d)", false, "", ""},
      {R"({app="web"} | logfmt)", R"(app=x msg="hello \"w\"" k-e.y=1)", true, "",
       R"({app="web", app_extracted="x", k_e_y="1", msg="hello \"w\""})"},
      {R"({app="web"} | logfmt m="msg", lvl="level")", R"(level=warn msg=hi other=1)", true, "",
       R"({app="web", lvl="warn", m="hi"})"},
      {R"({app="web"} | logfmt | duration > 1s)", "duration=1.5s", true, "", ""},
      {R"({app="web"} | logfmt | duration > 1s)", "duration=300ms", false, "", ""},
      {R"({app="web"} | logfmt | size > 20MB)", "size=21MB", true, "", ""},
      {R"({app="web"} | logfmt | size > 20MB)", "size=2MiB", false, "", ""},
      {R"({app="web"} | logfmt)", "", true, "", R"({app="web"})"},
  });
  auto o = RunOne(R"({app="web"} | logfmt --strict)", R"({app="web"})", "a==b");
  CHECK(o.labels.find(R"(__error__="LogfmtParserErr")") != std::string::npos);
}

TEST_CASE("regexp, pattern and unpack parsers") {
  RunTable({
      {R"q({app="web"} | regexp "(?P<method>\\w+) (?P<path>[\\w|/]+) \\((?P<status>\\d+?)\\) (?P<duration>.*)")q",
       "POST /api/prom/api/v1/query_range (200) 1.5s", true, "",
       R"({app="web", duration="1.5s", method="POST", path="/api/prom/api/v1/query_range", status="200"})"},
      {R"({app="web"} | regexp "(?P<method>\\w+) x")", "no match", true, "", R"({app="web"})"},
      {R"({app="web"} | pattern "<ip> - - <_> \"<method> <uri> <_>\" <status> <size> <_> \"<agent>\" <_>")",
       R"(188.64.0.1 - - [05/Jan/2024:10:00:00 +0000] "GET /index.html HTTP/1.1" 200 512 "-" "curl/8.0" "-")",
       true, "",
       R"({agent="curl/8.0", app="web", ip="188.64.0.1", method="GET", size="512", status="200", uri="/index.html"})"},
      {R"({app="web"} | unpack)", R"({"container":"myapp","pod":"pod-3223f","_entry":"original log message"})",
       true, "original log message", R"({app="web", container="myapp", pod="pod-3223f"})"},
      {R"({app="web"} | unpack | __error__="")", "plain", false, "", ""},
      {R"({app="web"} | unpack)", R"({"":"x","a-b":"y","_entry":"l"})", true, "l", R"({a_b="y", app="web"})"},
      {R"({app="web"} | json a="a.b", c="c" | __error__="JSONParserErr")", R"({"a":{"b":[1:1.5e3.)", true, "", ""},
      {R"({app="web"} | json a="a.b", c="c")", R"({"x":1})", true, "", R"({app="web"})"},
  });
}

TEST_CASE("label filters: string, number, duration, bytes, ip, and/or, errors") {
  const std::string l = "status=503 level=error dur=250ms size=1.5KB addr=10.1.2.3 name=api";
  RunTable({
      {R"({app="web"} | logfmt | status >= 500)", l, true, "", ""},
      {R"({app="web"} | logfmt | status == 503)", l, true, "", ""},
      {R"({app="web"} | logfmt | status != 503)", l, false, "", ""},
      {R"({app="web"} | logfmt | status < 500 or level="error")", l, true, "", ""},
      {R"({app="web"} | logfmt | status < 500 and level="error")", l, false, "", ""},
      {R"({app="web"} | logfmt | status >= 500, level=~"err.*")", l, true, "", ""},
      {R"({app="web"} | logfmt | level!~"warn|info" | name="api")", l, true, "", ""},
      {R"({app="web"} | logfmt | dur >= 250ms and dur < 1s)", l, true, "", ""},
      {R"({app="web"} | logfmt | size > 1KB)", l, true, "", ""},
      {R"({app="web"} | logfmt | size > 2KB)", l, false, "", ""},
      {R"({app="web"} | logfmt | addr = ip("10.0.0.0/8"))", l, true, "", ""},
      {R"({app="web"} | logfmt | addr != ip("10.0.0.0/8"))", l, false, "", ""},
      {R"({app="web"} | logfmt | missing > 1)", l, false, "", ""},
      {R"({app="web"} | logfmt | missing = "")", l, true, "", ""},
      {R"({app="web"} | logfmt | name > 1)", l, true, "", ""},
      {R"({app="web"} | logfmt | name > 1 | __error__="")", l, false, "", ""},
      {R"({app="web"} | logfmt | name > 1 | __error__="LabelFilterErr")", l, true, "", ""},
      {R"({app="web"} | logfmt | dur > 1 | __error__="")", l, false, "", ""},
  });
}

TEST_CASE("line_format, label_format, drop, keep, decolorize") {
  const std::string l = R"q(query="sum(rate(x[5m]))" duration=1.2s status=200 user=Bob)q";
  RunTable({
      {R"({app="web"} | logfmt | line_format "{{.query}} {{.duration}}")", l, true,
       "sum(rate(x[5m])) 1.2s", ""},
      {R"({app="web"} | logfmt | line_format "{{.missing}}|{{ .user | ToUpper }}")", l, true, "|BOB", ""},
      {R"({app="web"} | line_format "{{ __line__ | len }}")", "abc", true, "3", ""},
      {R"({app="web"} | line_format "{{ __timestamp__ | unixEpoch }}")", "x", true, "0", ""},
      {R"({app="web"} | logfmt | line_format "{{ div 1 0 }}")", l, true, "", ""},
      {R"({app="web"} | logfmt | line_format "{{ div 1 0 }}" | __error__="TemplateFormatErr")", l, true, "", ""},
      {R"({app="web"} | logfmt | line_format "{{.status}}" |= "200")", l, true, "200", ""},
      {R"({app="web"} | logfmt | line_format "{{.status}}" |= "user")", l, false, "", ""},
      {R"({app="web"} | logfmt | keep user | label_format who=user)", l, true, "", R"({who="Bob"})"},
      {R"({app="web"} | logfmt | keep status | label_format s="{{.status}}-{{.app}}")", l, true, "",
       R"({s="200-", status="200"})"},
      {R"({app="web"} | logfmt | drop query, duration, status, user)", l, true, "", R"({app="web"})"},
      {R"({app="web"} | logfmt | drop user="Alice", status="200" | keep user, status, app)", l, true, "",
       R"({app="web", user="Bob"})"},
      {R"({app="web"} | logfmt | keep app, status=~"5..")", l, true, "", R"({app="web"})"},
      {R"({app="web"} | decolorize)", "\x1b[31mred\x1b[0m", true, "red", ""},
      // templates read the labels as they were at the stage's first template; renames are live
      {R"({app="web"} | logfmt | keep user | label_format a="{{.user}}", b="{{.a}}x")", l, true, "",
       R"({a="Bob", b="x", user="Bob"})"},
      {R"({app="web"} | logfmt | keep user | label_format u2=user, c="{{.u2}}")", l, true, "",
       R"({c="Bob", u2="Bob"})"},
      {R"({app="web"} | decolorize |= "red")", "\x1b[31mred\x1b[0m", true, "red", ""},
  });
  auto o = RunOne(R"({app="web"} | line_format "{{ div 1 0 }}")", R"({app="web"})", "x");
  CHECK(o.labels.find(R"(__error__="TemplateFormatErr")") != std::string::npos);
  CHECK(o.labels.find("integer divide by zero") != std::string::npos);
}

TEST_CASE("structured metadata is visible to filters, drop and keep") {
  std::vector<Label> md = {{"trace_id", "abc123"}, {"pod", "p1"}};
  auto o = RunOne(R"({app="web"} | trace_id="abc123")", R"({app="web"})", "line", md);
  CHECK(o.kept);
  CHECK(o.labels == R"({app="web", pod="p1", trace_id="abc123"})");
  CHECK_FALSE(RunOne(R"({app="web"} | trace_id="zzz")", R"({app="web"})", "line", md).kept);
  o = RunOne(R"({app="web"} | drop pod)", R"({app="web"})", "line", md);
  CHECK(o.labels == R"({app="web", trace_id="abc123"})");
  o = RunOne(R"({app="web"} | keep pod)", R"({app="web"})", "line", md);
  CHECK(o.labels == R"({pod="p1"})");
  o = RunOne(R"({app="web"} | logfmt)", R"({app="web"})", "pod=x", md);
  CHECK(o.labels == R"({app="web", pod="p1", pod_extracted="x", trace_id="abc123"})");
}

TEST_CASE("stream pipeline reuses state across lines and handles huge lines") {
  Pipeline p = skald::logql::log::testing::MustBuild(R"({app="web"} |= "keep" | logfmt | n > 1)");
  auto ls = LabelSet::Parse(R"({app="web"})");
  auto sp = p.ForStream(*ls);
  std::string_view line;
  const LabelSet* labels = nullptr;
  int kept = 0;
  for (int i = 0; i < 1000; ++i) {
    std::string l = (i % 2 ? "keep n=" : "drop n=") + std::to_string(i % 5);
    if (sp->Process(i, l, nullptr, &line, &labels)) {
      ++kept;
      CHECK(labels->Get("n").has_value());
      CHECK(labels->Get("app") == std::optional<std::string_view>("web"));
    }
  }
  CHECK(kept == 300);  // odd i with i%5 in {2,3,4}

  Pipeline only = skald::logql::log::testing::MustBuild(R"({app="web"} |= "needle")");
  CHECK(only.OnlyLineFilters());
  auto s2 = only.ForStream(*ls);
  std::string huge(8 << 20, 'x');
  huge.replace(huge.size() - 6, 6, "needle");
  REQUIRE(s2->Process(0, huge, nullptr, &line, &labels));
  CHECK(labels == &s2->BaseLabels());  // no label change: the stream's own LabelSet is returned
  CHECK(line.size() == huge.size());

  auto o = RunOne(R"({app="web"} | json)", R"({app="web"})", "{\"big\":\"" + std::string(1 << 20, 'y') + "\"}");
  CHECK(o.kept);
  CHECK(o.labels.size() > (1u << 20));
}
