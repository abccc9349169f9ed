// Query stop conditions (see query_guard.h).
#include "store/query/query_guard.h"

#include <cmath>
#include <cstdio>

#include "common/logger.h"
#include "common/metrics.h"

namespace skald::query {
namespace {

metrics::CounterVec& Stops() {
  static auto& c = metrics::Registry::Default().NewCounterVec(
      "skald_query_stopped_total",
      "Queries stopped before completion, by reason (timeout, cancelled, max_query_bytes_read, "
      "max_querier_bytes_read, max_query_memory, max_query_series, error).",
      {"reason"});
  return c;
}

const char* Reason(const Status& st) {
  const std::string& m = st.message();
  switch (st.code()) {
    case Code::kTimeout: return "timeout";
    case Code::kCancelled: return "cancelled";
    case Code::kInvalidArgument:
      if (m.rfind("the query would read", 0) == 0) return "max_query_bytes_read";
      if (m.rfind("query too large", 0) == 0) return "max_querier_bytes_read";
      if (m.find("max_query_memory") != std::string::npos) return "max_query_memory";
      return "max_query_series";
    default: return "error";
  }
}

}  // namespace

Status QueryGuard::Check(int64_t bytes, int64_t memory) {
  const int64_t total = bytes_.fetch_add(bytes, std::memory_order_relaxed) + bytes;
  const int64_t mem = memory_.fetch_add(memory, std::memory_order_relaxed) + memory;
  if (stopped()) return status();
  Status st;
  if (o_.deadline.Cancelled()) {
    st = Status(Code::kCancelled, kCancelledMessage);
  } else if (o_.deadline.Expired()) {
    st = Status(Code::kTimeout, kTimeoutMessage);
  } else if (o_.max_query_bytes > 0 && total > o_.max_query_bytes &&
             (o_.max_querier_bytes <= 0 || o_.max_query_bytes <= o_.max_querier_bytes)) {
    st = QueryBytesError(total, o_.max_query_bytes);
  } else if (o_.max_querier_bytes > 0 && total > o_.max_querier_bytes) {
    st = QuerierBytesError(total, o_.max_querier_bytes);
  } else if (o_.max_memory > 0 && mem > o_.max_memory) {
    st = MemoryError(mem, o_.max_memory);
  } else {
    return Status::Ok();
  }
  Stop(st);
  return status();
}

void QueryGuard::Stop(const Status& st) {
  if (st.ok()) return;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (stopped_.load(std::memory_order_relaxed)) return;
    first_ = st;
    stopped_.store(true, std::memory_order_release);
  }
  const char* reason = Reason(st);
  Stops().WithLabelValues({reason}).Inc();
  if (st.code() == Code::kInvalidArgument) {
    SKALD_LOG(warn, "query exceeds limits", {{"reason", reason}, {"bytes_read", bytes()}, {"err", st.message()}});
  } else {
    SKALD_LOG(info, "query stopped", {{"reason", reason}, {"bytes_read", bytes()}});
  }
}

Status QueryGuard::status() const {
  std::lock_guard<std::mutex> l(mu_);
  return first_;
}

Status QueryGuard::QueryBytesError(int64_t bytes, int64_t limit) {
  return Status::Invalid("the query would read too many bytes (query: " + FormatIBytes(bytes) +
                         ", limit: " + FormatIBytes(limit) +
                         "); consider adding more specific stream selectors or reduce the time "
                         "range of the query");
}

Status QueryGuard::QuerierBytesError(int64_t bytes, int64_t limit) {
  return Status::Invalid("query too large to execute on a single querier: (query: " +
                         FormatIBytes(bytes) + ", limit: " + FormatIBytes(limit) +
                         "); consider adding more specific stream selectors, reduce the time range "
                         "of the query, or adjust parallelization settings");
}

Status QueryGuard::MemoryError(int64_t memory, int64_t limit) {
  return Status::Invalid("the query would hold too many step values in memory (query: " + FormatIBytes(memory) +
                         ", limit: " + FormatIBytes(limit) + ", max_query_memory); consider adding more "
                         "specific stream selectors, a larger step, or fewer labels in the aggregation");
}

std::string FormatIBytes(int64_t n) {
  if (n < 1024) return std::to_string(n) + " B";
  static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  const double v = static_cast<double>(n);
  int e = static_cast<int>(std::floor(std::log(v) / std::log(1024.0)));
  e = std::min(e, 6);
  const double scaled = std::floor(v / std::pow(1024.0, e) * 10 + 0.5) / 10;
  char buf[48];
  std::snprintf(buf, sizeof(buf), scaled < 10 ? "%.1f %s" : "%.0f %s", scaled, kUnits[e]);
  return buf;
}

}  // namespace skald::query
