// Query-size estimate from the index (see bytes_estimate.h).
#include "store/query/bytes_estimate.h"

#include <variant>

#include "store/query/log_engine.h"

namespace skald::query {

Result<int64_t> EstimateLogBytes(StoreReader& r, const std::string& tenant, const Matchers& ms,
                                 int64_t start_ns, int64_t end_ns) {
  int64_t total = 0;
  for (const auto& t : SplitTenants(tenant)) {
    auto st = r.Stats(t, ms, start_ns, end_ns);
    if (!st.ok()) return st.status();
    total += st->bytes;
  }
  return total;
}

Result<int64_t> EstimateMetricBytes(StoreReader& r, const std::string& tenant, const MetricNode& root,
                                    int64_t start_ns, int64_t end_ns) {
  int64_t total = 0;
  if (root.kind == MetricNode::Kind::kRange) {
    // Windows (t - offset - range, t - offset] for t in [start, end], as the range engine reads.
    auto b = EstimateLogBytes(r, tenant, root.matchers, start_ns - root.offset_ns - root.range_ns + 1,
                              end_ns - root.offset_ns + 1);
    if (!b.ok()) return b;
    total += *b;
  }
  for (const MetricNode* c : {root.lhs.get(), root.rhs.get()}) {
    if (c == nullptr) continue;
    auto b = EstimateMetricBytes(r, tenant, *c, start_ns, end_ns);
    if (!b.ok()) return b;
    total += *b;
  }
  return total;
}

bool HasFilter(const logql::LogSelectorExpr& e) {
  for (const auto& st : e.stages) {
    if (std::holds_alternative<logql::LineFilterStage>(st) ||
        std::holds_alternative<logql::LabelFilterStage>(st)) {
      return true;
    }
  }
  return false;
}

}  // namespace skald::query
