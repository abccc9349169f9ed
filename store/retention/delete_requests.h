// DeleteRequests: Loki's log deletion requests (selector + optional line filters + time window),
// persisted in SQLite in the compactor working directory (FORMAT in store/compactor/FORMAT.md),
// compiled once for query-time filtering and for the compactor's physical removal.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/labels.h"
#include "common/logql/log/pipeline.h"
#include "common/matcher.h"
#include "common/status.h"

namespace skald::retention {

struct DeleteRequest {
  std::string id;               // 8 hex digits
  std::string tenant;
  std::string query;            // `{sel} |= "x"` as given
  int64_t start_ns = 0, end_ns = 0;   // entries with start <= ts <= end are deleted
  int64_t created_ns = 0;
  std::string status = "received";    // received | processed
};

struct CompiledDelete {
  DeleteRequest req;
  Matchers matchers;
  logql::log::Pipeline pipeline;      // no-op when the query is a bare selector
};

// Decides per line whether a stream's delete requests remove it. Not thread-safe (one per reader).
class LineDeleter {
 public:
  LineDeleter(const std::vector<CompiledDelete>& reqs, const LabelSet& labels);
  bool empty() const { return parts_.empty(); }
  bool Deleted(int64_t ts_ns, std::string_view line, const std::vector<Label>* metadata);
  // True if some request's window overlaps [lo, hi].
  bool Overlaps(int64_t lo, int64_t hi) const;

 private:
  struct Part {
    int64_t start, end;
    std::unique_ptr<logql::log::StreamPipeline> sp;   // null = every line in the window
  };
  std::vector<Part> parts_;
};

// Thread-safe.
class DeleteRequests {
 public:
  static Result<std::unique_ptr<DeleteRequests>> Open(const std::string& path);
  ~DeleteRequests();

  // Validates the query (a log selector with only filter stages) and stores a "received" request.
  Result<DeleteRequest> Add(const std::string& tenant, const std::string& query, int64_t start_ns,
                            int64_t end_ns, int64_t now_ns);
  // Requests of a tenant, oldest first.
  Result<std::vector<DeleteRequest>> List(const std::string& tenant) const;
  // Removes a request: NotFound if unknown; Invalid if processed or past the cancel period.
  Status Cancel(const std::string& tenant, const std::string& id, int64_t now_ns, int64_t cancel_period_ns);
  // "received" requests whose cancel period has passed (the compactor's work list), all tenants.
  Result<std::vector<DeleteRequest>> Due(int64_t now_ns, int64_t cancel_period_ns) const;
  Status MarkProcessed(const std::string& id);

  // Every non-cancelled request of a tenant, compiled (shared snapshot, rebuilt after changes).
  std::shared_ptr<const std::vector<CompiledDelete>> Active(const std::string& tenant) const;
  bool empty() const { return count_.load() == 0; }

  static Result<CompiledDelete> Compile(const DeleteRequest& r);

 private:
  DeleteRequests() = default;
  Status Init(const std::string& path);
  Result<std::vector<DeleteRequest>> Select(const char* where, const std::string& arg, int64_t n) const;

  sqlite3* db_ = nullptr;
  mutable std::mutex mu_;
  mutable std::map<std::string, std::shared_ptr<const std::vector<CompiledDelete>>> cache_;
  std::atomic<int64_t> count_{0};
};

}  // namespace skald::retention
