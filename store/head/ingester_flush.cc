// The flush loop: compresses sealed blocks off the push path, flushes chunks that are full, old,
// idle, over the memory budget, pinning old WAL segments or failed last time, then deletes WAL
// segments nobody needs.
#include "store/head/ingester.h"

#include <malloc.h>

#include <algorithm>

#include "common/logger.h"
#include "store/head/ingester_metrics.h"
#include "store/wal/wal_format.h"

namespace skald::head {

struct Ingester::FlushJob {
  Stream* s = nullptr;
  const char* reason = "";
  std::vector<Piece> pieces;
  uint64_t first_wal = 0, last_wal = 0;
  int64_t chunk_start_wall = 0;
};

void Ingester::Loop() {
  int64_t last_flush = 0, empty_since_ms = -1;
  bool trimmed = true;
  for (;;) {
    {
      std::unique_lock<std::mutex> lk(loop_mu_);
      if (!stop_) loop_cv_.wait_for(lk, std::chrono::milliseconds(100));   // woken early by seals
      if (stop_) return;
    }
    Status st = CompressSealed();
    int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::steady_clock::now().time_since_epoch()).count();
    bool over_budget = head_bytes_.load() > opts_.memory_budget;
    if (st.ok() && (over_budget || now_ms - last_flush >= opts_.flush_interval_ms)) {
      last_flush = now_ms;
      st = FlushDue();
    }
    RefreshWriteBlock();   // ends a WAL or free-space episode even when no push arrives
    int64_t held = head_bytes_.load();
    IngesterMetrics::Get().head_bytes.Set(static_cast<double>(held));
    if (held > opts_.memory_budget / 4) trimmed = false;
    empty_since_ms = held != 0 ? -1 : empty_since_ms < 0 ? now_ms : empty_since_ms;
    // Gone idle after a burst (heads empty for a second): hand freed heap back to the OS. Not at
    // the first empty moment: a trim between pushes cost ~3 % of the ingest CPU in TLB shootdowns,
    // and the next push faulted the pages back in.
    if (!trimmed && empty_since_ms >= 0 && now_ms - empty_since_ms >= 1000) {
      malloc_trim(0);
      trimmed = true;
    }
    if (!st.ok()) {
      IngesterMetrics::Get().flush_failures.Inc();
      SKALD_LOG(error, "flush failed; will retry", {{"err", st.message()}});
    }
  }
}

Status Ingester::CompressSealed() {
  std::lock_guard<std::mutex> flk(flush_mu_);
  std::vector<std::pair<uint64_t, SortedPtr>> raw;
  {
    std::lock_guard<std::mutex> lk(mu_);
    for (auto& [id, s] : by_id_)
      for (auto& p : s->pieces)
        if (p.raw) raw.emplace_back(id, p.raw);
  }
  for (auto& [id, r] : raw) {
    chunk::BlockPtr b = chunk::BuildBlock(r->Refs(), opts_.encoding);
    std::lock_guard<std::mutex> lk(mu_);
    Stream* s = by_id_[id];
    for (auto& p : s->pieces) {
      if (p.raw != r) continue;
      int64_t delta = static_cast<int64_t>(r->bytes) - static_cast<int64_t>(b->data.size());
      s->piece_bytes -= static_cast<size_t>(delta);
      head_bytes_ -= delta;
      p = Piece{nullptr, b};
    }
  }
  mem_cv_.notify_all();
  return Status::Ok();
}

std::vector<Ingester::Due> Ingester::DueStreams() {
  std::lock_guard<std::mutex> lk(mu_);
  int64_t now = Now();
  uint64_t cur_seg = wal_ != nullptr ? wal_->current_segment() : 0;
  std::vector<Due> due;
  std::vector<Stream*> rest;
  for (auto& [id, s] : by_id_) {
    if (s->head.empty() && s->pieces.empty()) continue;
    const char* why = nullptr;
    if (static_cast<int64_t>(s->piece_bytes) >= opts_.cfg.chunk_target_size) why = "full";
    else if (now - s->chunk_start_wall >= opts_.cfg.max_chunk_age_ns) why = "max_age";
    else if (now - s->last_append_wall >= opts_.cfg.chunk_idle_period_ns) why = "idle";
    else if (s->first_wal != 0 &&
             wal::PosSegment(s->first_wal) + static_cast<uint64_t>(opts_.max_wal_segments) <= cur_seg)
      why = "wal_checkpoint";
    else if (flush_retry_.count(s->id) != 0) why = "retry";
    if (why != nullptr) due.push_back({s, why});
    else rest.push_back(s);
  }
  int64_t mem = head_bytes_;
  for (const Due& d : due) mem -= static_cast<int64_t>(d.s->head.bytes() + d.s->piece_bytes);
  if (mem > opts_.memory_budget) {   // largest first until half the budget is free
    std::sort(rest.begin(), rest.end(), [](Stream* a, Stream* b) {
      return a->head.bytes() + a->piece_bytes > b->head.bytes() + b->piece_bytes;
    });
    for (Stream* s : rest) {
      if (mem <= opts_.memory_budget / 2) break;
      mem -= static_cast<int64_t>(s->head.bytes() + s->piece_bytes);
      due.push_back({s, "memory"});
    }
  }
  return due;
}

Status Ingester::FlushDue() {
  SKALD_RETURN_IF_ERROR(FlushStreams(DueStreams()));
  files_->CloseIdle();
  return TruncateWal();
}

Status Ingester::FlushAll() {
  std::vector<Due> all;
  {
    std::lock_guard<std::mutex> lk(mu_);
    for (auto& [id, s] : by_id_) all.push_back({s, "forced"});
  }
  SKALD_RETURN_IF_ERROR(FlushStreams(all));
  return TruncateWal();
}

Status Ingester::FlushStreams(const std::vector<Due>& which) {
  std::lock_guard<std::mutex> flk(flush_mu_);
  std::vector<FlushJob> jobs = TakeJobs(which);
  IngesterMetrics::Get().flush_queue_length.Set(static_cast<double>(jobs.size()));
  std::vector<Stream*> flushed;
  for (const auto& j : jobs) flushed.push_back(j.s);
  if (jobs.empty()) {
    NoteFlushResult(flushed, Status::Ok());
    return Status::Ok();
  }
  std::vector<index::FlushedChunk> refs;
  std::vector<const char*> reasons;
  Status st = WriteJobs(jobs, &refs, &reasons);
  if (st.ok()) st = files_->SyncAll();                 // chunk bytes durable before the index points at them
  if (st.ok()) st = index_->CommitChunks(refs);
  FinishJobs(jobs, st);
  IngesterMetrics::Get().flush_queue_length.Set(0);
  if (!jobs.empty()) IngesterMetrics::Get().flush_requests.Inc();
  NoteFlushResult(flushed, st);
  if (!st.ok()) return st.Annotate("flush");
  ObserveStored(refs, reasons);
  return Status::Ok();
}

// Loki's per-chunk flush metrics, once the chunks are committed.
void Ingester::ObserveStored(const std::vector<index::FlushedChunk>& refs, const std::vector<const char*>& reasons) {
  std::lock_guard<std::mutex> lk(mu_);
  stats_.chunks_flushed += static_cast<int64_t>(refs.size());
  auto& m = IngesterMetrics::Get();
  int64_t now = Now();
  for (size_t i = 0; i < refs.size(); ++i) {
    const chunk::ChunkRef& c = refs[i].ref;
    stats_.chunk_bytes += static_cast<int64_t>(c.length);
    m.chunks_flushed.WithLabelValues({reasons[i]}).Inc();
    m.chunk_size.Observe(static_cast<double>(c.length));
    if (opts_.cfg.chunk_target_size > 0)
      m.chunk_utilization.Observe(static_cast<double>(c.length) / static_cast<double>(opts_.cfg.chunk_target_size));
    m.chunk_entries.Observe(static_cast<double>(c.entries));
    m.chunk_age.Observe(static_cast<double>(now - c.min_ts) / 1e9);
    m.chunk_bounds.Observe(static_cast<double>(c.max_ts - c.min_ts) / 3.6e12);
    auto it = by_id_.find(refs[i].stream_id);
    if (it == by_id_.end()) continue;
    it->second->tm->chunks_stored.Inc();
    it->second->tm->chunk_bytes.Inc(static_cast<double>(c.length));
  }
}

// Detaches each stream's open chunk; it stays visible to readers as `flushing` until committed.
std::vector<Ingester::FlushJob> Ingester::TakeJobs(const std::vector<Due>& which) {
  std::vector<FlushJob> jobs;
  std::lock_guard<std::mutex> lk(mu_);
  for (const auto& [s, why] : which) {
    SealHead(*s);
    if (s->pieces.empty()) continue;
    jobs.push_back(FlushJob{s, why, s->pieces, s->first_wal, s->last_wal, s->chunk_start_wall});
    s->flushing = std::move(s->pieces);
    s->pieces.clear();
    head_bytes_ -= static_cast<int64_t>(s->piece_bytes);
    s->piece_bytes = 0;
    s->first_wal = 0;
    s->chunk_start_wall = 0;
  }
  return jobs;
}

// Compresses what is still raw and appends chunks of about chunk_target_size to the chunk files.
Status Ingester::WriteJobs(const std::vector<FlushJob>& jobs, std::vector<index::FlushedChunk>* refs,
                           std::vector<const char*>* reasons) {
  for (const auto& job : jobs) {
    std::vector<chunk::BlockPtr> blocks;
    int64_t size = 0;
    for (size_t i = 0; i < job.pieces.size(); ++i) {
      const Piece& p = job.pieces[i];
      blocks.push_back(p.block ? p.block : chunk::BuildBlock(p.raw->Refs(), opts_.encoding));
      size += static_cast<int64_t>(blocks.back()->data.size());
      if (size < opts_.cfg.chunk_target_size && i + 1 < job.pieces.size()) continue;
      auto ref = files_->Append(job.s->tenant, job.s->fp, blocks);
      if (!ref.ok()) return ref.status();
      refs->push_back(index::FlushedChunk{job.s->id, *ref, job.last_wal});
      reasons->push_back(job.reason);
      blocks.clear();
      size = 0;
    }
  }
  return Status::Ok();
}

// A flushed chunk left memory; so did its stream when nothing of it is left unflushed (Loki then
// removes the stream). Caller holds mu_.
void Ingester::NoteChunkLeftMemory(Stream& s) {
  IngesterMetrics::Get().memory_chunks.Dec();
  if (!s.in_memory || !s.head.empty() || !s.pieces.empty()) return;
  s.in_memory = false;
  s.tm->memory_streams.Dec();
  s.tm->streams_removed.Inc();
}

// Drops the `flushing` views; on failure puts the data back so the next pass retries it.
void Ingester::FinishJobs(const std::vector<FlushJob>& jobs, const Status& st) {
  {
    std::lock_guard<std::mutex> lk(mu_);
    for (const auto& job : jobs) {
      Stream* s = job.s;
      s->flushing.clear();
      if (st.ok()) {
        s->flushed_wal = std::max(s->flushed_wal, job.last_wal);
        NoteChunkLeftMemory(*s);
        continue;
      }
      if (job.chunk_start_wall != 0 && s->chunk_start_wall != 0) IngesterMetrics::Get().memory_chunks.Dec();
      s->pieces.insert(s->pieces.begin(), job.pieces.begin(), job.pieces.end());
      for (const auto& p : job.pieces) {
        s->piece_bytes += p.bytes();
        head_bytes_ += static_cast<int64_t>(p.bytes());
      }
      if (job.first_wal != 0) s->first_wal = job.first_wal;
      if (job.chunk_start_wall != 0) s->chunk_start_wall = job.chunk_start_wall;
    }
  }
  mem_cv_.notify_all();
}

Status Ingester::WithFlushesPaused(const std::function<Status()>& fn) {
  std::lock_guard<std::mutex> flk(flush_mu_);
  return fn();
}

Status Ingester::TruncateWal() {
  if (wal_ == nullptr) return Status::Ok();
  std::lock_guard<std::mutex> flk(flush_mu_);   // no flush in flight: first_wal is exact
  uint64_t keep;
  {
    std::lock_guard<std::mutex> lk(mu_);
    keep = wal_->current_segment();
    bool unflushed = false;
    for (auto& [id, s] : by_id_) {
      if (s->first_wal == 0) continue;
      keep = std::min(keep, wal::PosSegment(s->first_wal));
      unflushed = true;
    }
    // A push queued but not yet applied has no first_wal anywhere yet: its segment stays too.
    if (!pending_.empty()) {
      keep = std::min(keep, wal::PosSegment(pending_.front()->ticket.pos));
      unflushed = true;
    }
    // Nothing unflushed anywhere (after /flush, or once every stream was flushed): the current
    // segment holds only flushed records, so move on and let it go too instead of keeping up to
    // a segment's worth of dead bytes until it fills (#19: WAL on disk after a flush).
    if (!unflushed && wal_->RollIfIdle()) keep = wal_->current_segment();
  }
  return wal_->RemoveSegmentsBefore(keep);
}

}  // namespace skald::head
