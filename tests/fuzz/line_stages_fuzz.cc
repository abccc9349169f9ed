// FUZZ_LINK: skald_collector_stages
// libFuzzer target for the collector's stages that parse container log lines (docker, cri, json with
// nested paths, logfmt, regex, timestamp, replace, decolorize): the first byte picks a chain, the
// rest is the line, borrowed from the fuzzer's exact-size buffer (an overread is an ASan report).
// Each chain runs with and without the liveness pass; both must agree and set only valid labels.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "collector/pipeline/stages/stage_chain.h"
#include "tests/fuzz/stage_chain_fuzz_util.h"

namespace {

using skald::pipeline::Entry;
using skald::pipeline::StageChain;

const char* const kChains[] = {
    "[{docker: {}}]",
    "[{cri: {}}, {labels: {stream: }}]",
    // The seed's container pipeline.
    "[{json: {expressions: {log: log, stream: stream, time: time}}},"
    " {timestamp: {source: time, format: RFC3339Nano}}, {output: {source: log}},"
    " {regex: {expression: '(?P<level>(ERROR|WARN|INFO|DEBUG))'}}, {labels: {level: }}]",
    "[{json: {expressions: {a: a.b, c: 'c[0]', q: '\"x y\"', lvl: level}, drop_malformed: true}},"
    " {labels: {lvl: , a: }}, {structured_metadata: {c: }}, {template: {source: t, template: '{{ .q }}|{{ .c }}'}},"
    " {output: {source: t}}]",
    "[{logfmt: {mapping: {lvl: level, msg: , ts: }}}, {labels: {lvl: }},"
    " {timestamp: {source: ts, format: Unix, fallback_formats: [UnixMs, UnixUs, RFC3339], action_on_failure: skip}},"
    " {output: {source: msg}}]",
    "[{decolorize: {}}, {regex: {expression: '^(?P<ts>\\S+) (?P<rest>.*)$'}},"
    " {timestamp: {source: ts, format: '2006-01-02T15:04:05.000Z07:00'}},"
    " {replace: {expression: '(\\d+)', replace: '<n>'}}, {labels: {rest: }}]",
};
constexpr size_t kCount = sizeof kChains / sizeof kChains[0];

struct Pair {
  StageChain plain, lively;
};

Pair* Build(const char* yaml) {
  auto make = [&](bool liveness) {
    auto chain = StageChain::Build(YAML::Load(yaml), {"fuzz.yaml", "job", nullptr});
    if (!chain.ok()) std::abort();
    if (liveness) chain->PropagateLiveness(skald::pipeline::KeySet{});
    return std::move(*chain);
  };
  return new Pair{make(false), make(true)};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Pair** pairs = [] {
    auto** p = new Pair*[kCount];
    for (size_t i = 0; i < kCount; i++) p[i] = Build(kChains[i]);
    return p;
  }();
  static const auto base = std::make_shared<const skald::LabelSet>(
      skald::LabelSet::Parse(R"({job="api", stream="stdout"})").value());
  if (size == 0) return 0;
  Pair& p = *pairs[data[0] % kCount];
  const std::string_view line(reinterpret_cast<const char*>(data) + 1, size - 1);
  Entry a = skald::fuzz::RunChain(p.plain, line, base), b = skald::fuzz::RunChain(p.lively, line, base);
  skald::fuzz::AbortUnlessSame(a, b);
  for (const auto& l : a.labels.set())
    if (!skald::IsValidLabelName(l.name)) std::abort();
  return 0;
}
