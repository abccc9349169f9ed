// StoreApp: skald-store's process: the Ingester (WAL + heads + chunks + index) behind Loki's push
// and read API, with /ready (after WAL replay), /metrics, /config and /flush on the configured port.
#pragma once

#include <memory>

#include "common/http/http_server.h"
#include "common/metrics.h"
#include "common/status.h"
#include "store/store_config.h"

namespace skald::head {
class Ingester;
}
namespace skald::ingest {
class Distributor;
}
namespace skald::ruler {
class Ruler;
}
namespace skald::retention {
class PolicySource;
class DeleteRequests;
class RetentionReader;
}
namespace skald::compactor {
class Compactor;
}
namespace skald::objstore {
class ObjectStore;
class ObjectCache;
}
namespace skald::shipper {
class Shipper;
class BucketIndexSync;
class IndexCompactor;
class BucketDeletes;
struct IndexCompactorOptions;
}

namespace skald {
class StoreReader;

class StoreApp {
 public:
  // registry == nullptr uses metrics::Registry::Default().
  explicit StoreApp(StoreConfig cfg, metrics::Registry* registry = nullptr);
  ~StoreApp();  // Stop()s

  // Opens the Ingester (replaying the WAL), registers the push and read routes, binds the HTTP
  // port and serves. With mark_ready, /ready answers 200 once the WAL is replayed.
  Status Start(bool mark_ready = true);
  // Marks not ready, stops the HTTP server (in-flight requests finish), then closes the Ingester,
  // which flushes every head to chunk files. Idempotent.
  void Stop();

  void SetReady(bool ready, const std::string& reason = "") { http_->SetReady(ready, reason); }
  http::Router& http() { return http_->router(); }
  HttpServer& http_server() { return *http_; }
  metrics::Registry& registry() { return *registry_; }
  const StoreConfig& config() const { return cfg_; }
  int port() const { return http_->port(); }  // the bound port (useful with port 0)
  head::Ingester* ingester() { return ingester_.get(); }
  ruler::Ruler* ruler() { return ruler_.get(); }  // null unless a rules directory is set
  compactor::Compactor* compactor() { return compactor_.get(); }   // store/store_app_retention.cc

 private:
  Status OpenIngester();
  void RegisterRoutes();
  Status StartRuler();
  void RegisterServices();
  StoreReader* query_reader();
  Status StartRetention();   // store/store_app_retention.cc: policy, deletes, query filter, compactor
  Status StartCompactor();
  Status ShareDeleteRequests();   // with a bucket: requests live there (store/shipper/bucket_deletes.h)
  void StopRetention();
  // store/store_app_storage.cc: targets and object storage.
  bool takes_pushes() const;
  std::string ingester_dir() const;
  Status OpenBucket();
  Status StartObjectStorage();
  Status SyncBucketIndexOnce();
  Status StartFederation();
  void StopObjectStorage();
  void WireBucketDeletes(shipper::IndexCompactorOptions* co);
  void DropDeletedShippedRows();

  StoreConfig cfg_;
  metrics::Registry* registry_;
  std::unique_ptr<HttpServer> http_;
  std::unique_ptr<head::Ingester> ingester_;
  std::unique_ptr<ingest::Distributor> distributor_;
  std::unique_ptr<ruler::Ruler> ruler_;  // evaluates rule files on the local engine
  std::unique_ptr<retention::PolicySource> retention_policy_;
  std::unique_ptr<retention::DeleteRequests> delete_requests_;
  std::unique_ptr<retention::RetentionReader> retention_reader_;   // wraps the ingester for queries
  std::unique_ptr<compactor::Compactor> compactor_;
  std::unique_ptr<objstore::ObjectStore> bucket_;          // object storage (null: filesystem)
  std::unique_ptr<objstore::ObjectCache> chunk_cache_;     // shipped chunks on local disk
  std::unique_ptr<shipper::Shipper> shipper_;              // write/all with a bucket
  std::unique_ptr<shipper::BucketIndexSync> index_sync_;   // read/backend
  std::unique_ptr<shipper::IndexCompactor> bucket_compactor_;   // backend/all with a bucket
  std::unique_ptr<shipper::BucketDeletes> bucket_deletes_;      // delete requests shared via the bucket
  std::unique_ptr<StoreReader> federated_reader_;          // skald_cluster.write_nodes set
  bool started_ = false;
};

}  // namespace skald
