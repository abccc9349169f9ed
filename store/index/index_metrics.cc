// The index request histogram (see index_metrics.h), with Loki's buckets
// (ExponentialBucketsRange(0.005, 100, 12)) and dskit's status codes ("200", "500").
#include "store/index/index_metrics.h"

#include <cmath>
#include <vector>

#include "common/metrics.h"

namespace skald::index {
namespace {

std::vector<double> Buckets() {
  std::vector<double> b;
  const double factor = std::pow(100.0 / 0.005, 1.0 / 11);
  for (int i = 0; i < 12; ++i) b.push_back(0.005 * std::pow(factor, i));
  return b;
}

struct Children {
  metrics::Histogram* h[3][2];
};

Children* Make() {
  auto& vec = metrics::Registry::Default().NewHistogramVec(
      "loki_index_request_duration_seconds", "Time (in seconds) spent in serving index query requests",
      {"operation", "status_code"}, Buckets());
  auto* c = new Children;
  const char* ops[] = {"index_chunk", "series", "chunk_refs"};
  for (int o = 0; o < 3; ++o) {
    c->h[o][0] = &vec.WithLabelValues({ops[o], "500"});
    c->h[o][1] = &vec.WithLabelValues({ops[o], "200"});
  }
  return c;
}

}  // namespace

void ObserveIndexRequest(IndexOp op, bool ok, std::chrono::steady_clock::time_point started) {
  static Children* c = Make();
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  c->h[static_cast<int>(op)][ok ? 1 : 0]->Observe(s);
}

}  // namespace skald::index
