// The write side of object storage: seal → upload segment → upload its index file → repoint the
// local index rows at the object → remove the local copy one pass later (in-flight reads finish).
#include "store/shipper/shipper.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <set>

#include <fmt/format.h>

#include "common/logger.h"
#include "store/chunk/chunk_files.h"
#include "store/head/ingester.h"
#include "store/shipper/bucket_layout.h"
#include "store/shipper/index_file.h"

namespace skald::shipper {
namespace {

int64_t WallNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

bool IsLocalSegmentName(const std::string& name) {
  if (name.size() != 10 || name.compare(6, 4, ".skc") != 0) return false;
  for (int i = 0; i < 6; ++i)
    if (name[i] < '0' || name[i] > '9') return false;
  return true;
}

}  // namespace

Shipper::Shipper(ShipperOptions o) : o_(std::move(o)) {
  metrics::Registry& r = o_.registry ? *o_.registry : metrics::Registry::Default();
  segments_ = &r.NewCounter("skald_shipper_segments_uploaded_total", "Chunk segment files uploaded to the bucket.");
  bytes_ = &r.NewCounter("skald_shipper_bytes_uploaded_total", "Bytes of chunk segment files uploaded to the bucket.");
  failures_ = &r.NewCounter("skald_shipper_upload_failures_total", "Segment uploads that failed (retried next pass).");
  last_success_ = &r.NewGauge("skald_shipper_last_success_timestamp_seconds",
                              "When a ship pass last finished without a failure.");
}

Result<std::unique_ptr<Shipper>> Shipper::Open(ShipperOptions o) {
  if (o.ingester == nullptr || o.bucket == nullptr) return Status::Invalid("shipper: no ingester or bucket");
  if (!o.now_ns) o.now_ns = WallNs;
  SKALD_RETURN_IF_ERROR(fs::FileSystem::Default()->MkdirAll(o.scratch_dir).Annotate("shipper scratch dir"));
  auto sh = std::unique_ptr<Shipper>(new Shipper(std::move(o)));
  SKALD_RETURN_IF_ERROR(sh->QueueLeftovers());
  return sh;
}

// Local segments no row points into, left by a crash after a pass renamed their rows (or by a
// graceful stop's last pass): sealed, so no flush appends to them (and they are not shipped
// again), and removed by the first pass.
Status Shipper::QueueLeftovers() {
  auto left = SealLocalSegments(false);
  if (!left.ok()) return left.status();
  to_remove_.insert(to_remove_.end(), left->begin(), left->end());
  return Status::Ok();
}

Shipper::~Shipper() { Stop(); }

void Shipper::Start() {
  loop_.Start(o_.interval_ns, [this] { Pass(); });
}

void Shipper::Stop(bool final_pass) {
  loop_.Stop();
  if (final_pass) {   // the node is stopping: no query can hold the shipped names any more
    auto st = ShipOnce();
    if (!st.ok()) SKALD_LOG(warn, "final ship pass failed", {{"err", st.status().message()}});
    std::lock_guard<std::mutex> lk(run_mu_);
    ShipStats s;
    Status rm = RemoveShipped(&s);
    if (!rm.ok()) SKALD_LOG(warn, "removing shipped local copies failed", {{"err", rm.message()}});
  }
}

void Shipper::Pass() {
  auto st = ShipOnce();
  if (!st.ok()) SKALD_LOG(warn, "ship pass failed", {{"err", st.status().message()}});
}

// With flushes paused: every local `<seq>.skc` that index rows point into (`indexed`; else every
// one no row points into) is sealed, so no flush appends to it and its bytes are final while it
// uploads (or until it is removed). Names already waiting for removal are left out.
Result<std::vector<std::string>> Shipper::SealLocalSegments(bool indexed) {
  std::vector<std::string> out;
  head::Ingester* ing = o_.ingester;
  fs::FileSystem* fsys = fs::FileSystem::Default();
  Status st = ing->WithFlushesPaused([&]() -> Status {
    const std::string& root = ing->chunk_files()->root();
    auto tenants = fsys->List(root);
    if (!tenants.ok()) return tenants.status().code() == Code::kNotFound ? Status::Ok() : tenants.status();
    auto live = ing->index_db()->LiveBytesByFile();   // one pass over the rows, not one per file
    if (!live.ok()) return live.status();
    for (const auto& t : *tenants) {
      auto days = fsys->List(fs::JoinPath(root, t));
      if (!days.ok()) continue;
      for (const auto& d : *days) {
        auto names = fsys->List(fs::JoinPath(root, t + "/" + d));
        if (!names.ok()) continue;
        for (const auto& n : *names) {
          if (!IsLocalSegmentName(n)) continue;
          std::string rel = t + "/" + d + "/" + n;
          if (std::find(to_remove_.begin(), to_remove_.end(), rel) != to_remove_.end()) continue;
          // Shipping: nothing indexed (yet) is not shipped; dead bytes are the compactor's.
          if ((live->count(rel) > 0) != indexed) continue;
          SKALD_RETURN_IF_ERROR(ing->chunk_files()->Seal(rel));
          out.push_back(rel);
        }
      }
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Status Shipper::ShipSegment(const std::string& rel, int64_t now, ShipStats* s) {
  head::Ingester* ing = o_.ingester;
  auto rows = ing->index_db()->ChunkRows(rel);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::Ok();
  const std::string shipped = ShippedFileName(rel, o_.node_id, now);
  const std::string local = fs::JoinPath(ing->chunk_files()->root(), rel);
  auto size = fs::FileSystem::Default()->FileSize(local);
  if (!size.ok()) return size.status();
  SKALD_RETURN_IF_ERROR(o_.bucket->PutFile(kChunksPrefix + shipped, local));
  IndexFileContents idx;
  idx.node = o_.node_id;
  idx.created_ns = now;
  std::map<uint64_t, bool> seen;
  for (const auto& r : *rows) {
    if (!seen.emplace(r.stream_id, true).second) continue;
    index::StreamRecord sr;
    if (!ing->index_db()->GetStream(r.stream_id, &sr)) return Status::Internal(fmt::format("stream {} missing", r.stream_id));
    idx.streams.push_back({sr.id, sr.tenant, sr.fingerprint, sr.labels});
  }
  for (const auto& r : *rows) {
    chunk::ChunkRef ref = r.ref;
    ref.file = shipped;
    idx.chunks.push_back({r.stream_id, ref});
  }
  const std::string tmp = fs::JoinPath(o_.scratch_dir, "ship-index.sqlite");
  SKALD_RETURN_IF_ERROR(WriteIndexFile(tmp, idx));
  SKALD_RETURN_IF_ERROR(o_.bucket->PutFile(SegmentIndexKey(shipped), tmp));
  (void)fs::FileSystem::Default()->Remove(tmp);
  // The object and its index are durable: the local rows now name the object. Rows retention
  // removed meanwhile stay removed (they are re-read under the pause).
  SKALD_RETURN_IF_ERROR(ing->WithFlushesPaused([&]() -> Status {
    auto now_rows = ing->index_db()->ChunkRows(rel);
    if (!now_rows.ok()) return now_rows.status();
    std::vector<int64_t> old_ids;
    std::vector<index::FlushedChunk> added;
    for (const auto& r : *now_rows) {
      old_ids.push_back(r.id);
      chunk::ChunkRef ref = r.ref;
      ref.file = shipped;
      added.push_back({r.stream_id, ref, 0});
    }
    return ing->index_db()->ReplaceChunks(old_ids, added);
  }));
  to_remove_.push_back(rel);
  s->segments++;
  s->bytes += static_cast<int64_t>(*size);
  segments_->Inc();
  bytes_->Inc(static_cast<double>(*size));
  return Status::Ok();
}

// Local copies shipped by the previous pass: no row points at them since then, and a query that
// held their old name has had a whole interval to finish.
Status Shipper::RemoveShipped(ShipStats* s) {
  head::Ingester* ing = o_.ingester;
  if (to_remove_.empty()) return Status::Ok();
  // The renames must survive a power cut before the files they replaced go.
  SKALD_RETURN_IF_ERROR(ing->index_db()->Checkpoint());
  std::vector<std::string> keep;
  Status st = ing->WithFlushesPaused([&]() -> Status {
    for (const auto& rel : to_remove_) {
      auto rows = ing->index_db()->ChunkRows(rel);
      if (!rows.ok() || !rows->empty()) {   // appended to again before the seal? keep and reship
        ing->chunk_files()->Unseal(rel);
        continue;
      }
      (void)ing->chunk_files()->CloseFile(rel);
      Status rm = fs::FileSystem::Default()->Remove(fs::JoinPath(ing->chunk_files()->root(), rel));
      if (!rm.ok() && rm.code() != Code::kNotFound) {
        keep.push_back(rel);
        continue;
      }
      ing->chunk_files()->Unseal(rel);
      s->removed_local++;
    }
    return Status::Ok();
  });
  to_remove_ = std::move(keep);
  return st;
}

Result<ShipStats> Shipper::ShipOnce() {
  std::lock_guard<std::mutex> lk(run_mu_);
  ShipStats s;
  SKALD_RETURN_IF_ERROR(RemoveShipped(&s));
  auto sealed = SealLocalSegments(true);
  if (!sealed.ok()) return sealed.status();
  // Strictly increasing per process: two passes never name an object alike, even within one clock
  // tick (the node id and a restart's later clock separate the rest).
  const int64_t now = std::max(o_.now_ns(), last_ship_ns_ + 1);
  last_ship_ns_ = now;
  Status first;
  for (const auto& rel : *sealed) {
    Status st = ShipSegment(rel, now, &s);
    if (st.ok()) continue;
    s.failures++;
    failures_->Inc();
    SKALD_LOG(warn, "segment upload failed; retried next pass", {{"file", rel}, {"err", st.message()}});
    if (first.ok()) first = st;
  }
  if (first.ok()) last_success_->Set(static_cast<double>(now) / 1e9);
  if (s.segments > 0)
    SKALD_LOG(info, "segments shipped", {{"segments", s.segments}, {"bytes", s.bytes}, {"bucket", o_.bucket->Describe()}});
  return s;
}

}  // namespace skald::shipper
