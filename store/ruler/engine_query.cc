// MakeEngineQueryFn: LogQL instant evaluation through query::Engine (same limits and messages as
// /loki/api/v1/query), converted to the ruler's RuleSample vector.
#include "store/ruler/engine_query.h"

#include <memory>

#include "store/query/engine.h"

namespace skald::ruler {

QueryFn MakeEngineQueryFn(StoreReader* reader) {
  auto engine = std::make_shared<query::Engine>(reader, query::EngineOptions{});
  return [engine](const std::string& tenant, const std::string& expr,
                  int64_t ts_ns) -> Result<std::vector<RuleSample>> {
    query::QueryRequest q;
    q.tenant = tenant;
    q.query = expr;
    q.start_ns = q.end_ns = ts_ns;
    q.instant = true;
    auto r = engine->Exec(q);
    if (!r.ok()) return r.status();
    std::vector<RuleSample> out;
    switch (r->type) {
      case query::ResultType::kVector:
        for (query::Sample& s : r->vector) out.push_back({std::move(s.metric), s.v});
        return out;
      case query::ResultType::kScalar:
        out.push_back({LabelSet(), r->scalar.v});
        return out;
      default:
        return Status::Invalid("rule result is not a vector or scalar");
    }
  };
}

}  // namespace skald::ruler
