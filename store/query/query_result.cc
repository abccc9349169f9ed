// Result type names as Loki spells them in `data.resultType`.
#include "store/query/query_result.h"

namespace skald::query {

std::string_view ResultTypeName(ResultType t) {
  switch (t) {
    case ResultType::kStreams: return "streams";
    case ResultType::kMatrix: return "matrix";
    case ResultType::kVector: return "vector";
    case ResultType::kScalar: return "scalar";
  }
  return "streams";
}

}  // namespace skald::query
