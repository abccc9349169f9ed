// BucketDeletes: Loki's delete requests shared by every node of a cluster as objects in the bucket
// (`deletes/<tenant>/<id>.json`, and `<id>.processed` once the backend applied it; FORMAT.md here).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/metrics.h"
#include "common/status.h"
#include "store/objstore/object_store.h"
#include "store/retention/delete_requests.h"
#include "store/shipper/bucket_layout.h"
#include "store/shipper/periodic_loop.h"

namespace skald::shipper {

inline constexpr int kDeleteObjectVersion = 1;

struct BucketDeletesOptions {
  objstore::ObjectStore* bucket = nullptr;
  retention::DeleteRequests* local = nullptr;   // this node's copy, kept equal to the bucket's set
  int64_t interval_ns = 60LL * 1000000000;      // storage_config.tsdb_shipper.resync_interval
  metrics::Registry* registry = nullptr;
  std::function<void()> after_sync;             // after each successful background sync
};

// The mirror behind a node's DeleteRequests (retention::DeleteRequestMirror). Thread-safe.
class BucketDeletes : public retention::DeleteRequestMirror {
 public:
  static Result<std::unique_ptr<BucketDeletes>> Open(BucketDeletesOptions o);
  ~BucketDeletes() override;
  void Start();   // a SyncOnce every interval
  void Stop();
  // Lists `deletes/`, reads request objects not seen before, and replaces the local set with the
  // bucket's. Returns how many local rows changed.
  Result<int64_t> SyncOnce();
  bool synced() const { return synced_.load(); }

  Status Put(const retention::DeleteRequest& r) override;
  Status Remove(const retention::DeleteRequest& r) override;
  Status MarkProcessed(const retention::DeleteRequest& r) override;
  Status Refresh() override { return SyncOnce().status(); }

  static std::string RequestKey(const std::string& tenant, const std::string& id);
  static std::string ProcessedKey(const std::string& tenant, const std::string& id);
  static std::string Encode(const retention::DeleteRequest& r);
  static Result<retention::DeleteRequest> Decode(const std::string& json);

 private:
  explicit BucketDeletes(BucketDeletesOptions o);
  Result<retention::DeleteRequest> Load(const objstore::ObjectInfo& obj,
                                        std::map<std::string, retention::DeleteRequest>* parsed);   // mu_

  BucketDeletesOptions o_;
  std::mutex mu_;                                                 // one sync at a time
  std::map<std::string, retention::DeleteRequest> parsed_;       // by "<key> <etag>"; mu_
  std::atomic<bool> synced_{false};
  PeriodicLoop loop_;
  metrics::Counter* failures_ = nullptr;
  metrics::Counter* bad_objects_ = nullptr;
  metrics::Gauge* requests_ = nullptr;
};

}  // namespace skald::shipper
