// relabel_configs: every action against Prometheus's documented semantics, and config errors.
#include <catch.hpp>

#include <yaml-cpp/yaml.h>

#include "common/digest.h"
#include "collector/pipeline/relabel.h"

using namespace skald;
using namespace skald::pipeline;

namespace {
LabelSet L(const std::string& s) { return LabelSet::Parse(s).value(); }

// Returns the relabeled set, or "dropped".
std::string Apply(const std::string& yaml, const std::string& in) {
  auto r = Relabeler::Parse(YAML::Load(yaml), "t.yaml");
  if (!r.ok()) return "error: " + r.status().message();
  LabelSet ls = L(in);
  if (!r->Process(ls)) return "dropped";
  return ls.ToString();
}
}  // namespace

TEST_CASE("relabel: actions") {
  struct Case {
    std::string rules, in, want;
  };
  std::vector<Case> cases = {
      // replace (default action, regex (.*), replacement $1)
      {"- {source_labels: [a], target_label: b}", R"({a="x"})", R"({a="x", b="x"})"},
      {"- {source_labels: [__meta_docker_container_name], regex: '/(.*)', target_label: container}",
       R"({__meta_docker_container_name="/web-1"})", R"({__meta_docker_container_name="/web-1", container="web-1"})"},
      // regex is anchored: no match leaves labels unchanged
      {"- {source_labels: [a], regex: 'y', target_label: b}", R"({a="xyz"})", R"({a="xyz"})"},
      // multiple sources joined with the separator
      {"- {source_labels: [a, c], separator: '-', regex: '(.*)-(.*)', replacement: '${2}_${1}', target_label: b}",
       R"({a="x", c="y"})", R"({a="x", b="y_x", c="y"})"},
      // Go's Expand: `$2_` names group "2_" (absent), so only ${1} survives
      {"- {source_labels: [a, c], separator: '-', regex: '(.*)-(.*)', replacement: '$2_${1}', target_label: b}",
       R"({a="x", c="y"})", R"({a="x", b="x", c="y"})"},
      // named groups and $-expansion in target_label
      {"- {source_labels: [a], regex: '(?P<k>[a-z]+)=(?P<v>.*)', target_label: '${k}', replacement: '$v'}",
       R"({a="env=prod"})", R"({a="env=prod", env="prod"})"},
      // empty replacement result deletes the target
      {"- {source_labels: [missing], target_label: a}", R"({a="x"})", R"({})"},
      // invalid expanded target name: no change
      {"- {source_labels: [a], regex: '(.*)', target_label: '$1'}", R"({a="1bad"})", R"({a="1bad"})"},
      // $1x refers to group "1x" (absent) → empty
      {"- {source_labels: [a], target_label: b, replacement: '$1x'}", R"({a="v"})", R"({a="v"})"},
      {"- {source_labels: [a], target_label: b, replacement: '${1}x'}", R"({a="v"})", R"({a="v", b="vx"})"},
      {"- {source_labels: [a], target_label: b, replacement: '$$1'}", R"({a="v"})", R"({a="v", b="$1"})"},
      // keep / drop
      {"- {source_labels: [a], regex: 'x.*', action: keep}", R"({a="xy"})", R"({a="xy"})"},
      {"- {source_labels: [a], regex: 'x.*', action: keep}", R"({a="yx"})", "dropped"},
      {"- {source_labels: [a], regex: 'x.*', action: drop}", R"({a="xy"})", "dropped"},
      {"- {source_labels: [a], regex: 'x.*', action: drop}", R"({b="xy"})", R"({b="xy"})"},
      {"- {source_labels: [a], regex: 'x.*', action: DROP}", R"({a="xy"})", "dropped"},
      // keepequal / dropequal
      {"- {source_labels: [a], target_label: b, action: keepequal}", R"({a="1", b="1"})", R"({a="1", b="1"})"},
      {"- {source_labels: [a], target_label: b, action: keepequal}", R"({a="1", b="2"})", "dropped"},
      {"- {source_labels: [a], target_label: b, action: dropequal}", R"({a="1", b="1"})", "dropped"},
      // labelmap / labeldrop / labelkeep
      {"- {regex: '__meta_docker_container_label_(.+)', action: labelmap}",
       R"({__meta_docker_container_label_app="shop", x="1"})",
       R"({__meta_docker_container_label_app="shop", app="shop", x="1"})"},
      {"- {regex: 'tmp_.*', action: labeldrop}", R"({tmp_a="1", tmp_b="2", keep="3"})", R"({keep="3"})"},
      {"- {regex: 'a|b', action: labelkeep}", R"({a="1", b="2", c="3"})", R"({a="1", b="2"})"},
      // lowercase / uppercase
      {"- {source_labels: [a], target_label: b, action: lowercase}", R"({a="MiXed"})", R"({a="MiXed", b="mixed"})"},
      {"- {source_labels: [a], target_label: b, action: uppercase}", R"({a="MiXed"})", R"({a="MiXed", b="MIXED"})"},
      // __tmp convention: a temporary label used across rules, then dropped
      {"- {source_labels: [a], regex: '(.)(.*)', replacement: '$2', target_label: __tmp_rest}\n"
       "- {source_labels: [__tmp_rest], target_label: b}\n- {regex: '__tmp.*', action: labeldrop}",
       R"({a="xyz"})", R"({a="xyz", b="yz"})"},
  };
  for (const auto& c : cases) {
    INFO(c.rules << " on " << c.in);
    CHECK(Apply(c.rules, c.in) == c.want);
  }
}

TEST_CASE("relabel: hashmod is md5-based like Prometheus") {
  // RFC 1321 test vectors for the md5 underneath.
  auto hex = [](const std::array<uint8_t, 16>& h) {
    std::string s;
    for (uint8_t b : h) s += "0123456789abcdef"[b >> 4], s += "0123456789abcdef"[b & 15];
    return s;
  };
  CHECK(hex(Md5("")) == "d41d8cd98f00b204e9800998ecf8427e");
  CHECK(hex(Md5("abc")) == "900150983cd24fb0d6963f7d28e17f72");
  CHECK(hex(Md5("12345678901234567890123456789012345678901234567890123456789012345678901234567890")) ==
        "57edf4a22be3c955ac49da2e2107b67a");
  // mod = big-endian uint64 of md5 bytes 8..15, modulo. md5("abc") bytes 8..15 = d6963f7d28e17f72.
  uint64_t v = 0xd6963f7d28e17f72ULL;
  CHECK(Apply("- {source_labels: [a], target_label: h, modulus: 1000, action: hashmod}", R"({a="abc"})") ==
        R"({a="abc", h=")" + std::to_string(v % 1000) + "\"}");
}

TEST_CASE("relabel: config errors with line and key") {
  struct Case {
    std::string yaml, want;
  };
  std::vector<Case> cases = {
      {"- source_labels: [a]\n  regex: '('\n  target_label: b\n", "t.yaml:2: relabel_configs: regex: invalid regex \"(\""},
      {"- source_labels: [a]\n  action: explode\n", "t.yaml:2: relabel_configs: action: unknown relabel action \"explode\""},
      {"- source_labels: [a]\n  action: hashmod\n  target_label: b\n", "t.yaml:1: relabel_configs: modulus: relabel configuration for hashmod requires non-zero modulus"},
      {"- source_labels: [a]\n", "t.yaml:1: relabel_configs: target_label: relabel configuration for replace action requires 'target_label' value"},
      {"- source_labels: [a]\n  target_label: 'bad-name'\n", "t.yaml:1: relabel_configs: target_label: \"bad-name\" is invalid 'target_label' for replace action"},
      {"- action: labeldrop\n  regex: x\n  target_label: y\n", "t.yaml:1: relabel_configs: labeldrop action requires only 'regex', and no other fields"},
      {"- source_labels: [a]\n  target_label: b\n  regx: x\n", "t.yaml:3: relabel_configs: unknown key \"regx\""},
  };
  for (const auto& c : cases) {
    INFO(c.yaml);
    auto r = Relabeler::Parse(YAML::Load(c.yaml), "t.yaml");
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message().rfind(c.want, 0) == 0);
    if (r.status().message().rfind(c.want, 0) != 0) WARN(r.status().message());
  }
}

TEST_CASE("relabel: reserved labels are dropped after relabeling") {
  CHECK(DropReservedLabels(L(R"({__meta_x="1", __path__="/x", a="b"})")) == L(R"({a="b"})"));
}
