// JMESPath subset: compile errors and search results rendered as Promtail's extracted strings.
#include <catch.hpp>

#include "collector/pipeline/stages/jmespath.h"

using skald::pipeline::JmesPath;
using skald::pipeline::ToExtracted;

TEST_CASE("jmespath: searches") {
  const std::string doc = R"({"a":{"b":{"c":"deep"}},"a-b":"dash","n":12.50,"i":7,"t":true,"z":null,
    "arr":[{"x":1,"y":"p"},{"x":2},{"y":"q"}],"nest":[[1,2],[3]],"obj":{"k2":"v2","k1":"<v1>"},
    "list":["s0","s1","s2"]})";
  simdjson::dom::parser p;
  auto root = p.parse(doc).value();
  struct Case {
    std::string expr, want;
  };
  std::vector<Case> cases = {
      {"a.b.c", "deep"},
      {R"("a-b")", "dash"},
      {"n", "12.5"},
      {"i", "7"},
      {"t", "true"},
      {"z", "<null>"},
      {"missing", "<null>"},
      {"a.missing.c", "<null>"},
      {"list[0]", "s0"},
      {"list[-1]", "s2"},
      {"list[5]", "<null>"},
      {"arr[*].x", "[1,2]"},
      {"arr[*].y", R"(["p","q"])"},
      {"arr[1]", R"({"x":2})"},
      {"nest[]", "[1,2,3]"},
      {"obj", R"({"k1":"\u003cv1\u003e","k2":"v2"})"},
      {"obj.*", R"(["v2","\u003cv1\u003e"])"},
      {"a.b", R"({"c":"deep"})"},
  };
  for (const auto& c : cases) {
    INFO(c.expr);
    auto jp = JmesPath::Compile(c.expr);
    REQUIRE(jp.ok());
    auto v = ToExtracted(jp->Search(root));
    CHECK(v.value_or("<null>") == c.want);
  }
}

TEST_CASE("jmespath: compile errors") {
  for (const char* bad : {"a.", "a[", "a[x]", "\"unclosed", ".a", "a b", "a||b"}) {
    INFO(bad);
    CHECK_FALSE(JmesPath::Compile(bad).ok());
  }
}
