// StoreApp's retention wiring: with compactor.retention_enabled, the retention policy (reloaded
// from runtime_config.file), delete requests and their API, and the query-side RetentionReader;
// the compactor (compaction + sweep always, retention and deletes when enabled) in every case.
#include "common/logger.h"
#include "store/api/delete_handlers.h"
#include "store/compactor/compactor.h"
#include "store/head/ingester.h"
#include "store/retention/policy_source.h"
#include "store/retention/retention_reader.h"
#include "store/shipper/bucket_deletes.h"
#include "store/store_app.h"

namespace skald {

Status StoreApp::StartRetention() {
  const CompactorConfig& cc = cfg_.compactor;
  head::Ingester* ing = ingester_.get();
  api::DeleteDeps dd;
  dd.auth_enabled = cfg_.auth_enabled;
  dd.cancel_period_ns = cc.delete_request_cancel_period_ns;
  if (cc.retention_enabled) {
    auto ps = retention::PolicySource::Open(cfg_);
    if (!ps.ok()) return ps.status().Annotate("retention");
    retention_policy_ = std::move(*ps);
    retention_policy_->Start(cfg_.runtime_config_period_ns);
    SKALD_RETURN_IF_ERROR(fs::FileSystem::Default()->MkdirAll(cc.working_directory).Annotate("compactor.working_directory"));
    auto dr = retention::DeleteRequests::Open(fs::JoinPath(cc.working_directory, "delete_requests.db"));
    if (!dr.ok()) return dr.status().Annotate("compactor.working_directory");
    delete_requests_ = std::move(*dr);
    SKALD_RETURN_IF_ERROR(ShareDeleteRequests());
    dd.requests = delete_requests_.get();
    dd.mode = [p = retention_policy_.get()](const std::string& t) { return p->Get()->DeletionModeFor(t); };
    retention::RetentionReaderOptions ro;
    ro.inner = ing;
    ro.policy = [p = retention_policy_.get()] { return p->Get(); };
    ro.deletes = delete_requests_.get();
    ro.labels_of = [ing](uint64_t id, LabelSet* out) {
      index::StreamRecord r;
      if (!ing->index_db()->GetStream(id, &r)) return false;
      *out = std::move(r.labels);
      return true;
    };
    retention_reader_ = std::make_unique<retention::RetentionReader>(std::move(ro));
  }
  api::RegisterDeleteRoutes(http_->router(), dd);
  return StartCompactor();
}

// With object storage every node keeps its requests as a copy of the bucket's `deletes/` objects
// (store/shipper/FORMAT.md), synced every resync interval and once before the port opens.
Status StoreApp::ShareDeleteRequests() {
  if (!bucket_) return Status::Ok();
  shipper::BucketDeletesOptions o;
  o.bucket = bucket_.get();
  o.local = delete_requests_.get();
  o.interval_ns = cfg_.storage.resync_interval_ns;
  o.registry = registry_;
  o.after_sync = [this] { DropDeletedShippedRows(); };
  auto bd = shipper::BucketDeletes::Open(std::move(o));
  if (!bd.ok()) return bd.status();
  bucket_deletes_ = std::move(*bd);
  delete_requests_->SetMirror(bucket_deletes_.get());
  auto st = bucket_deletes_->SyncOnce();
  if (!st.ok())
    SKALD_LOG(warn, "first delete requests sync failed; retrying in the background", {{"err", st.status().message()}});
  // Until a sync succeeds a read node could show lines deleted through another node: not ready.
  // Nodes that take pushes stay ready (pushes go on while the bucket is away, docs/SCALING.md).
  if (!takes_pushes())
    http_->AddReadinessCheck([b = bucket_deletes_.get()] {
      return b->synced() ? std::string() : std::string("delete requests not synced from the bucket yet");
    });
  bucket_deletes_->Start();
  return Status::Ok();
}

Status StoreApp::StartCompactor() {
  const CompactorConfig& cc = cfg_.compactor;
  head::Ingester* ing = ingester_.get();
  compactor::CompactorOptions co;
  co.index = ing->index_db();
  co.files = ing->chunk_files();
  co.paused = [ing](const std::function<Status()>& fn) { return ing->WithFlushesPaused(fn); };
  if (retention_policy_) co.policy = [p = retention_policy_.get()] { return p->Get(); };
  co.deletes = delete_requests_.get();
  co.working_dir = cc.working_directory;
  co.cfg = cc;
  co.block_size = cfg_.ingester.chunk_block_size;
  // Sealed days are rewritten with the configured codec at a higher level than the flush's.
  if (auto enc = chunk::ParseChunkEncoding(cfg_.ingester.chunk_encoding); enc.ok()) {
    co.encoding = *enc;
    if (enc->codec == chunk::Codec::kLz4) co.encoding.level = 9;
    if (enc->codec == chunk::Codec::kZstd) co.encoding.level = 9;   // 0.125 vs 0.140 at level 1, 117 MB/s
  }
  co.target_size = cfg_.ingester.chunk_target_size;
  co.rewrite_chunks = !cfg_.storage.enabled();   // shipped segments are immutable objects
  auto c = compactor::Compactor::Open(std::move(co));
  if (!c.ok()) return c.status().Annotate("compactor");
  compactor_ = std::move(*c);
  compactor_->Start();
  SKALD_LOG(info, "compactor started", {{"retention_enabled", cc.retention_enabled},
                                        {"working_directory", cc.working_directory}});
  return Status::Ok();
}

void StoreApp::StopRetention() {
  if (bucket_deletes_) bucket_deletes_->Stop();
  if (compactor_) compactor_->Stop();
  if (retention_policy_) retention_policy_->Stop();
}

}  // namespace skald
