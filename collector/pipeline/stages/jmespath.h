// The JMESPath subset Promtail users write in `json` stage expressions: fields, nested paths
// `a.b.c`, quoted keys `"a-b"`, indexes `a[0]`/`a[-1]`, projections `a[*].b`, `a[].b`, `a.*`.
// Evaluated over a simdjson DOM; results rendered as Promtail's extracted strings.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collector/pipeline/stages/simdjson_include.h"

#include "common/status.h"

namespace skald::pipeline {

class JmesPath {
 public:
  // Error message like `SyntaxError: ...` naming the offending position.
  static Result<JmesPath> Compile(std::string_view expr);

  struct Value {
    bool null = true;
    bool is_list = false;                 // produced by a projection
    simdjson::dom::element el;            // valid when !null && !is_list
    std::vector<Value> items;             // when is_list
  };
  Value Search(simdjson::dom::element root) const;

  struct Step {
    enum Kind { kField, kIndex, kProject, kFlatten, kObjProject } kind;
    std::string field;
    int64_t index = 0;
  };

 private:
  Value Eval(simdjson::dom::element node, size_t step) const;
  std::vector<Step> steps_;
};

// Go's encoding/json rendering of a value (object keys sorted, `<>&` escaped as \u003c...).
void MarshalJson(const JmesPath::Value& v, std::string* out);
void MarshalJson(simdjson::dom::element el, std::string* out);

// Promtail's extracted form of a search result: strings raw, numbers in Go float form, bools,
// objects/arrays re-marshalled; nullopt for null.
std::optional<std::string> ToExtracted(const JmesPath::Value& v);

}  // namespace skald::pipeline
