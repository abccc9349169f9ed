// Prometheus rule templates over the shared Go-template engine: $labels / .Labels, $value /
// .Value, external labels, humanize*, printf, pipelines, and string literals left alone.
#include <catch.hpp>

#include <limits>

#include "store/ruler/prom_template.h"

using namespace skald;
using namespace skald::ruler;

TEST_CASE("ruler templates: Prometheus variables and functions") {
  LabelSet labels({{"service", "api"}, {"job", "docker"}});
  std::vector<std::pair<std::string, std::string>> ext = {{"cluster", "home"}};
  struct Case {
    std::string tmpl;
    double value;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"{{ $labels.service }} is logging errors at {{ $value }} errors/sec", 12.5,
       "api is logging errors at 12.5 errors/sec"},
      {"{{ .Labels.job }}/{{ .Value }}", 3, "docker/3"},
      {"{{ $value }}", 1e6, "1e+06"},
      {"{{ $value }}", 0.00001, "1e-05"},
      {"{{ $value }}", std::numeric_limits<double>::quiet_NaN(), "NaN"},
      {"{{ $value }}", -std::numeric_limits<double>::infinity(), "-Inf"},
      {"{{ humanize $value }}", 1234567, "1.235M"},
      {"{{ $value | humanize }}", 0.00123, "1.23m"},
      {"{{ humanize1024 $value }}", 2048, "2ki"},
      {"{{ humanizePercentage $value }}", 0.256, "25.6%"},
      {"{{ humanizeDuration $value }}", 3725, "1h 2m 5s"},
      {"{{ humanizeDuration $value }}", 0.25, "250ms"},
      {"{{ printf \"%.2f\" $value }}", 2.0 / 3, "0.67"},
      {"{{ $externalLabels.cluster }}", 0, "home"},
      {"{{ if gt $value 10.0 }}high{{ else }}low{{ end }}", 11, "high"},
      {"{{ \"$labels.service\" }}", 0, "$labels.service"},
      {"{{ $labels.missing }}", 0, "<no value>"},
      {"{{ toUpper $labels.service }}", 0, "API"},
      {"{{ reReplaceAll \"(a)p\" \"$1x\" $labels.service }}", 0, "axi"},
      {"plain text", 0, "plain text"},
  };
  for (const Case& c : cases) {
    INFO(c.tmpl);
    auto t = PromTemplate::Parse(c.tmpl);
    REQUIRE(t.ok());
    std::string out;
    TemplateContext ctx{&labels, c.value, &ext, "http://skald"};
    REQUIRE(t->Expand(ctx, &out).ok());
    CHECK(out == c.want);
  }
}

// Regression (fuzz_ruler_prom_template): humanizeDuration of a value beyond int64 seconds cast the
// float to int64 (UBSan: outside the range of representable values); it now saturates.
TEST_CASE("ruler templates: humanizeDuration of huge values saturates") {
  LabelSet labels({{"job", "x"}, {"service", "api"}});
  struct Case { double value; const char* want; };
  for (const Case& c : {Case{1e300, "106751991167300d 15h 30m 7s"}, Case{-3.2e301, "-106751991167300d 15h 30m 7s"},
                        Case{9.3e18, "106751991167300d 15h 30m 7s"}, Case{86400, "1d 0h 0m 0s"}}) {
    INFO(c.value);
    auto t = PromTemplate::Parse("{{ humanizeDuration $value }}");
    REQUIRE(t.ok());
    std::string out;
    REQUIRE(t->Expand(TemplateContext{&labels, c.value, nullptr, ""}, &out).ok());
    CHECK(out == c.want);
  }
}

TEST_CASE("ruler templates: parse errors are reported") {
  CHECK(!PromTemplate::Parse("{{ nosuchfunc $value }}").ok());
  CHECK(!PromTemplate::Parse("{{ $labels.x ").ok());
}
