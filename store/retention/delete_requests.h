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
  std::string id;               // 8 hex digits, unique per tenant
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
  // Only the requests of `tenant` (`reqs` may mix tenants: a day of the bucket holds them all).
  LineDeleter(const std::vector<CompiledDelete>& reqs, const std::string& tenant, const LabelSet& labels);
  bool empty() const { return parts_.empty(); }
  bool Deleted(int64_t ts_ns, std::string_view line, const std::vector<Label>* metadata);
  // True if some request's window overlaps [lo, hi].
  bool Overlaps(int64_t lo, int64_t hi) const;

 private:
  void Add(const CompiledDelete& r, const LabelSet& labels);
  struct Part {
    int64_t start, end;
    std::unique_ptr<logql::log::StreamPipeline> sp;   // null = every line in the window
  };
  std::vector<Part> parts_;
};

// Where requests live when several store nodes share them (store/shipper/bucket_deletes.h: objects
// in the bucket). DeleteRequests calls it before changing its local copy, so a change that failed
// to reach the shared store is refused, not kept on one node. Implementations are thread-safe and
// must not call back into DeleteRequests from Put/Remove/MarkProcessed (they run under
// LockChanges, never under the lock queries take); Refresh may (it runs unlocked), and a sync
// holds LockChanges across its read of the shared set and Replace.
class DeleteRequestMirror {
 public:
  virtual ~DeleteRequestMirror() = default;
  virtual Status Put(const DeleteRequest& r) = 0;
  virtual Status Remove(const DeleteRequest& r) = 0;
  virtual Status MarkProcessed(const DeleteRequest& r) = 0;
  // Brings the local copy up to date (DeleteRequests::Replace) before a list or a cancel.
  virtual Status Refresh() = 0;
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
  Status MarkProcessed(const std::string& tenant, const std::string& id);
  // Every request of every tenant, oldest first.
  Result<std::vector<DeleteRequest>> All() const;

  // With a mirror, Add/Cancel/MarkProcessed write through it first and List/Cancel refresh from it;
  // the local database is then a copy that Replace keeps equal to the shared set. Set before use.
  void SetMirror(DeleteRequestMirror* m) { mirror_ = m; }
  Status Refresh() { return mirror_ != nullptr ? mirror_->Refresh() : Status::Ok(); }
  // Makes the local set exactly `all` (rows added, updated or removed); returns how many changed.
  Result<int64_t> Replace(const std::vector<DeleteRequest>& all);
  // Held by a mirror's sync across its read of the shared set and Replace: Add, Cancel and
  // MarkProcessed (shared store, then local row) never interleave with it.
  std::unique_lock<std::mutex> LockChanges() { return std::unique_lock<std::mutex>(change_mu_); }

  // Every non-cancelled request of a tenant, compiled (shared snapshot, rebuilt after changes).
  std::shared_ptr<const std::vector<CompiledDelete>> Active(const std::string& tenant) const;
  bool empty() const { return count_.load() == 0; }

  static Result<CompiledDelete> Compile(const DeleteRequest& r);

 private:
  DeleteRequests() = default;
  Status Init(const std::string& path);
  // `args` bind the where clause's `?`s in order; with none, `n` binds its one `?`.
  Result<std::vector<DeleteRequest>> Select(const char* where, const std::vector<std::string>& args, int64_t n) const;

  sqlite3* db_ = nullptr;
  mutable std::mutex mu_;   // the database and cache_; never held across a mirror call
  std::mutex change_mu_;    // Add/Cancel/MarkProcessed vs a mirror's sync (LockChanges); before mu_
  mutable std::map<std::string, std::shared_ptr<const std::vector<CompiledDelete>>> cache_;
  std::atomic<int64_t> count_{0};
  DeleteRequestMirror* mirror_ = nullptr;
};

}  // namespace skald::retention
