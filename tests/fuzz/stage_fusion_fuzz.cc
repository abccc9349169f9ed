// FUZZ_LINK: skald_collector_stages
// libFuzzer target for the stage chain's fusion and borrowed lines: the input's first byte picks a
// chain, the rest is the line. Each chain runs fused as written (a labels stage absorbs the
// line-scanning regex before it) and unfused (a no-op labeldrop in between), both on a line that
// borrows the fuzzer's exact-size buffer (an overread is an ASan report); labels, line, metadata and
// timestamp must agree.
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
    // The seed's stages after json/timestamp/output.
    "[{regex: {expression: '(?P<level>(ERROR|WARN|INFO|DEBUG|FATAL|TRACE))'}}MID, {labels: {level: }},"
    " {regex: {expression: '(?P<http_status>\\d{3})'}}MID, {labels: {http_status: }}]",
    // The key stays live: a template reads both groups afterwards.
    "[{regex: {expression: '(?P<a>(GET|POST|x))'}}MID, {labels: {a: , j: job}},"
    " {regex: {expression: '(?P<b>[a-z0-9]{2,5})'}}MID, {labels: {b: , bb: b}},"
    " {template: {source: t, template: '{{ .a }}|{{ .b }}'}}, {output: {source: t}}]",
    // The line rewritten between two fused pairs.
    "[{regex: {expression: '(?P<w>\\w+)'}}MID, {labels: {w: }}, {replace: {expression: '(\\d)', replace: 'N'}},"
    " {regex: {expression: '(?P<n>N+)'}}MID, {labels: {n: }}]",
};

struct Pair {
  StageChain fused, split;
};

Pair* Build(const char* text) {
  auto make = [&](const char* mid) {
    std::string yaml = text;
    for (size_t at; (at = yaml.find("MID")) != std::string::npos;) yaml.replace(at, 3, mid);
    auto chain = StageChain::Build(YAML::Load(yaml), {"fuzz.yaml", "job", nullptr});
    if (!chain.ok()) std::abort();
    chain->PropagateLiveness(skald::pipeline::KeySet{});
    return std::move(*chain);
  };
  return new Pair{make(""), make(", {labeldrop: [zz_absent]}")};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Pair* pairs[] = {Build(kChains[0]), Build(kChains[1]), Build(kChains[2])};
  static const auto base = std::make_shared<const skald::LabelSet>(
      skald::LabelSet::Parse(R"({job="api", level="base", stream="stdout"})").value());
  if (size == 0) return 0;
  Pair& p = *pairs[data[0] % 3];
  const std::string_view line(reinterpret_cast<const char*>(data) + 1, size - 1);
  Entry a = skald::fuzz::RunChain(p.fused, line, base), b = skald::fuzz::RunChain(p.split, line, base);
  skald::fuzz::AbortUnlessSame(a, b);
  return 0;
}
