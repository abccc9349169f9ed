// StoreApp's object storage and targets (docs/SCALING.md): the bucket and the chunk cache, the
// shipper on write/all nodes, the bucket index sync and the fan-out to write nodes on read and
// backend nodes, and the bucket compactor (index merge + retention) on backend/all nodes.
#include <chrono>

#include "common/logger.h"
#include "store/cluster/federated_reader.h"
#include "store/cluster/peer_routes.h"
#include "store/head/ingester.h"
#include "store/objstore/object_cache.h"
#include "store/objstore/s3_object_store.h"
#include "store/retention/policy_source.h"
#include "store/retention/retention_reader.h"
#include "store/shipper/bucket_index_sync.h"
#include "store/shipper/index_compactor.h"
#include "store/shipper/local_index_moves.h"
#include "store/shipper/object_chunk_file.h"
#include "store/shipper/shipper.h"
#include "store/store_app.h"

namespace skald {

bool StoreApp::takes_pushes() const { return cfg_.target == "all" || cfg_.target == "write"; }

// Read and backend nodes keep a local copy of the bucket's index in a directory of their own,
// rebuilt from the bucket at every start (it is a cache; the bucket is the truth).
std::string StoreApp::ingester_dir() const {
  if (takes_pushes()) return cfg_.path_prefix;
  return fs::JoinPath(cfg_.path_prefix, "bucket-index");
}

Status StoreApp::OpenBucket() {
  if (!cfg_.storage.enabled()) return Status::Ok();
  auto b = objstore::S3ObjectStore::Open(cfg_.storage.s3, registry_);
  if (!b.ok()) return b.status().Annotate("storage_config.aws");
  bucket_ = std::move(*b);
  objstore::ObjectCacheOptions co;
  co.dir = cfg_.storage.chunk_cache_directory;
  co.max_bytes = static_cast<uint64_t>(cfg_.storage.chunk_cache_size);
  // 256 KiB pages, a miss reading ahead up to 16 of them (4 MiB) in one GET, and a hot set of
  // decoded pages in memory so a warm read copies only the bytes it asked for (docs/BENCHMARKS.md,
  // "Object storage"). Read nodes get a larger hot set; write nodes keep their RSS budget.
  co.page_size = 256u << 10;
  co.max_run_pages = 16;
  co.readahead_pages = 15;
  co.memory_bytes = takes_pushes() ? (16ull << 20) : (64ull << 20);
  auto cache = objstore::ObjectCache::Open(bucket_.get(), co, registry_);
  if (!cache.ok()) return cache.status().Annotate("skald_object_store.chunk_cache_directory");
  chunk_cache_ = std::move(*cache);
  if (!takes_pushes()) {   // a fresh index copy; never the write path's data dir
    std::string dir = ingester_dir();
    for (const char* f : {"index.db", "index.db-wal", "index.db-shm"})
      (void)fs::FileSystem::Default()->Remove(fs::JoinPath(dir, f));
  }
  SKALD_LOG(info, "object storage", {{"bucket", bucket_->Describe()}, {"target", cfg_.target}});
  return Status::Ok();
}

Status StoreApp::StartObjectStorage() {
  if (!bucket_) return Status::Ok();
  objstore::ObjectCache* cache = chunk_cache_.get();
  ingester_->chunk_files()->SetRemote(
      [cache](const std::string& rel) -> Result<std::shared_ptr<const fs::RandomAccessFile>> {
        return shipper::OpenObjectChunkFile(cache, rel);
      });
  const std::string scratch = fs::JoinPath(cfg_.path_prefix, "scratch");
  if (takes_pushes()) {
    shipper::ShipperOptions so;
    so.ingester = ingester_.get();
    so.bucket = bucket_.get();
    so.node_id = cfg_.skald_cluster.node_id;
    so.scratch_dir = scratch;
    so.interval_ns = cfg_.storage.upload_interval_ns;
    so.registry = registry_;
    auto sh = shipper::Shipper::Open(std::move(so));
    if (!sh.ok()) return sh.status();
    shipper_ = std::move(*sh);
    shipper_->Start();
  } else {
    shipper::BucketIndexSyncOptions bo;
    bo.index = ingester_->index_db();
    bo.bucket = bucket_.get();
    bo.cache_dir = cfg_.storage.cache_location;
    bo.interval_ns = cfg_.storage.resync_interval_ns;
    bo.registry = registry_;
    bo.on_new_stream = [ing = ingester_.get()](uint64_t id) { return ing->AdoptIndexedStream(id); };
    auto sync = shipper::BucketIndexSync::Open(std::move(bo));
    if (!sync.ok()) return sync.status();
    index_sync_ = std::move(*sync);
    http_->AddReadinessCheck([s = index_sync_.get()] {
      return s->synced() ? std::string() : std::string("bucket index not synced yet");
    });
    index_sync_->Start();
  }
  if (cfg_.target == "all" || cfg_.target == "backend") {
    shipper::IndexCompactorOptions co;
    co.bucket = bucket_.get();
    co.scratch_dir = fs::JoinPath(scratch, "compactor");
    if (retention_policy_) co.policy = [p = retention_policy_.get()] { return p->Get(); };
    co.delete_delay_ns = cfg_.compactor.retention_delete_delay_ns;
    co.min_delete_delay_ns = 2 * cfg_.storage.upload_interval_ns + 10LL * 1000000000;
    co.interval_ns = cfg_.compactor.compaction_interval_ns;
    co.registry = registry_;
    WireBucketDeletes(&co);
    auto c = shipper::IndexCompactor::Open(std::move(co));
    if (!c.ok()) return c.status();
    bucket_compactor_ = std::move(*c);
    bucket_compactor_->Start();
  }
  return Status::Ok();
}

// The first sync runs before the port opens, so a read node never answers from an empty index.
Status StoreApp::SyncBucketIndexOnce() {
  if (!index_sync_) return Status::Ok();
  auto st = index_sync_->SyncOnce();
  if (!st.ok()) {
    SKALD_LOG(warn, "first bucket index sync failed; retrying in the background", {{"err", st.status().message()}});
    return Status::Ok();
  }
  SKALD_LOG(info, "bucket index synced", {{"days", st->days_changed}, {"chunks", st->chunks_imported}});
  return Status::Ok();
}

Status StoreApp::StartFederation() {
  StoreReader* local = retention_reader_ ? static_cast<StoreReader*>(retention_reader_.get()) : ingester_.get();
  cluster::PeerRouteDeps pd;
  pd.local = local;
  pd.limits = cfg_.limits;
  pd.auth_enabled = cfg_.auth_enabled;
  cluster::RegisterPeerRoutes(http_->router(), pd);
  if (!cfg_.skald_cluster.enabled()) return Status::Ok();
  // A write node's own tail never follows the other write nodes (a read node's tail there would
  // multiply); read, backend and all nodes do (docs/SCALING.md, "Live tail").
  auto fr = cluster::MakeFederatedReader(local, cfg_.skald_cluster, cfg_.querier.query_ingesters_within_ns, registry_,
                                         cfg_.target != "write");
  if (!fr.ok()) return fr.status();   // its messages name the skald_cluster key
  federated_reader_ = std::move(*fr);
  return Status::Ok();
}

// Delete requests on the bucket (docs/SCALING.md, "Deletes"): the backend rewrites chunk objects;
// target all also repoints its own rows at the rewritten objects.
void StoreApp::WireBucketDeletes(shipper::IndexCompactorOptions* co) {
  if (!delete_requests_) return;
  co->deletes = delete_requests_.get();
  co->cancel_period_ns = cfg_.compactor.delete_request_cancel_period_ns;
  if (retention_policy_) co->mode = [p = retention_policy_.get()](const std::string& t) { return p->Get()->DeletionModeFor(t); };
  co->rewrite.files = ingester_->chunk_files();
  co->rewrite.block_size = cfg_.ingester.chunk_block_size;
  if (auto enc = chunk::ParseChunkEncoding(cfg_.ingester.chunk_encoding); enc.ok()) co->rewrite.encoding = *enc;
  if (!takes_pushes()) return;
  head::Ingester* ing = ingester_.get();
  co->on_moved = [ing](const std::vector<shipper::ChunkMove>& moves) {
    return ing->WithFlushesPaused([&] { return shipper::ApplyMovesToIndex(ing->index_db(), moves); });
  };
  co->local_files = [ing] { return shipper::ShippedFilesOf(*ing->index_db()); };
}

// A write node's rows of shipped chunks that delete requests touch go (read nodes find them in the
// bucket's index), so it never points at an object the backend rewrites and sweeps.
void StoreApp::DropDeletedShippedRows() {
  if (cfg_.target != "write" || !delete_requests_) return;
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  std::function<retention::DeletionMode(const std::string&)> mode;
  if (retention_policy_) mode = [p = retention_policy_.get()](const std::string& t) { return p->Get()->DeletionModeFor(t); };
  auto reqs = shipper::RequestsToApply(*delete_requests_, now, cfg_.compactor.delete_request_cancel_period_ns, mode);
  if (reqs.empty()) return;
  head::Ingester* ing = ingester_.get();
  int64_t dropped = 0;
  Status st = ing->WithFlushesPaused([&]() -> Status {
    auto n = shipper::DropShippedRows(ing->index_db(), reqs);
    if (!n.ok()) return n.status();
    dropped = *n;
    return Status::Ok();
  });
  metrics::Counter& rows = registry_->NewCounter(
      "skald_shipper_deleted_rows_dropped_total", "Local index rows of shipped chunks dropped for delete requests.");
  metrics::Counter& failures = registry_->NewCounter(
      "skald_shipper_deleted_rows_drop_failures_total", "Failed passes dropping rows of shipped chunks for deletes.");
  if (!st.ok()) {
    failures.Inc();
    SKALD_LOG(warn, "dropping shipped rows of deleted data failed", {{"err", st.message()}});
  } else if (dropped > 0) {
    rows.Inc(static_cast<double>(dropped));
    SKALD_LOG(info, "dropped local rows of shipped chunks touched by delete requests", {{"rows", dropped}});
  }
}

void StoreApp::StopObjectStorage() {
  if (index_sync_) index_sync_->Stop();
  if (bucket_compactor_) bucket_compactor_->Stop();
  if (shipper_) shipper_->Stop(false);
}

}  // namespace skald
