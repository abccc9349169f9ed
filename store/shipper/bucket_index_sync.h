// BucketIndexSync: on read nodes, keeps a local IndexDb equal to the bucket's index objects. New
// objects of a day are imported as they appear; when a day's set loses an object (compaction,
// retention) the day's rows are rebuilt from its current objects in one transaction.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/metrics.h"
#include "common/status.h"
#include "store/shipper/periodic_loop.h"
#include "store/index/index_db.h"
#include "store/objstore/object_store.h"
#include "store/shipper/index_file.h"

namespace skald::shipper {

struct BucketIndexSyncOptions {
  index::IndexDb* index = nullptr;         // a read node's own (empty at start) index
  objstore::ObjectStore* bucket = nullptr;
  std::string cache_dir;                   // downloaded index objects (immutable, by key)
  int64_t interval_ns = 60LL * 1000000000; // storage_config.tsdb_shipper.resync_interval
  metrics::Registry* registry = nullptr;
  // Called for each stream the sync adds to `index` (the ingester adopts it for reads).
  std::function<Status(uint64_t id)> on_new_stream;
};

struct SyncStats {
  int64_t days_changed = 0, objects_downloaded = 0, chunks_imported = 0, days_rebuilt = 0;
};

class BucketIndexSync {
 public:
  static Result<std::unique_ptr<BucketIndexSync>> Open(BucketIndexSyncOptions o);
  ~BucketIndexSync();
  void Start();
  void Stop();
  Result<SyncStats> SyncOnce();
  bool synced() const { return synced_.load(); }   // a pass has completed

 private:
  explicit BucketIndexSync(BucketIndexSyncOptions o);
  void Pass();   // one loop pass: logs what fails
  struct Day {
    std::set<std::string> keys;       // index objects imported
    std::set<std::string> tenants;    // escaped tenant dirs with rows in this day
  };
  Result<IndexFileContents> Load(const std::string& key, SyncStats* s);
  Status SyncDay(const std::string& day, const std::set<std::string>& keys, SyncStats* s);
  Status DropDay(const std::string& day);
  void PruneCache(const std::map<std::string, std::set<std::string>>& listed);
  Result<uint64_t> LocalStream(const IndexFileStream& st);

  BucketIndexSyncOptions o_;
  std::mutex run_mu_;
  std::map<std::string, Day> days_;                                       // run_mu_
  std::map<std::pair<std::string, std::string>, uint64_t> stream_ids_;    // (tenant, labels) → id
  std::atomic<bool> synced_{false};
  PeriodicLoop loop_;
  metrics::Counter* downloads_ = nullptr;
  metrics::Counter* failures_ = nullptr;
  metrics::Gauge* last_success_ = nullptr;
};

}  // namespace skald::shipper
