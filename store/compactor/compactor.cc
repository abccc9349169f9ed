// Compactor lifecycle and its retention passes: marking expired chunks (one index transaction)
// and applying due delete requests (decode, drop matching lines, re-encode, swap rows).
#include "store/compactor/compactor.h"

#include <chrono>
#include <map>
#include <set>

#include <fmt/format.h>

#include "common/logger.h"
#include "common/time_util.h"
#include "store/compactor/chunk_rewrite.h"
#include "store/compactor/compactor_metrics.h"

namespace skald::compactor {

std::string UtcDay(int64_t ts_ns) {
  int64_t days = (ts_ns < 0 ? 0 : ts_ns) / (86400LL * 1000000000LL);
  int64_t y;
  int m, d;
  CivilDateFromDays(days, &y, &m, &d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d", static_cast<long long>(y), m, d);
  return buf;
}

Compactor::Compactor(CompactorOptions o)
    : o_(std::move(o)), fs_(o_.fs != nullptr ? o_.fs : fs::FileSystem::Default()) {}

Result<std::unique_ptr<Compactor>> Compactor::Open(CompactorOptions o) {
  if (o.index == nullptr || o.files == nullptr || !o.paused) return Status::Invalid("compactor: missing store access");
  std::unique_ptr<Compactor> c(new Compactor(std::move(o)));
  SKALD_RETURN_IF_ERROR(c->fs_->MkdirAll(c->o_.working_dir));
  auto m = Marks::Open(fs::JoinPath(c->o_.working_dir, "marks.db"));
  if (!m.ok()) return m.status();
  c->marks_ = std::move(*m);
  return c;
}

Compactor::~Compactor() { Stop(); }

int64_t Compactor::Now() const {
  if (o_.now_ns) return o_.now_ns();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// Loki's retention tables are per period; Skald's unit is the day: index_<days since epoch>.
std::string TableOf(const chunk::ChunkRef& ref) {
  return fmt::format("index_{}", ref.min_ts / (int64_t{86400} * 1000000000));
}

std::string TenantOf(const chunk::ChunkRef& ref) { return ref.file.substr(0, ref.file.find('/')); }

}  // namespace

void Compactor::NoteRetentionRun(bool ok, double seconds) {
  auto& m = CompactorMetrics::Get();
  m.retention_ops.WithLabelValues({ok ? "success" : "failure"}).Inc();
  m.retention_duration.Set(seconds);
  if (ok) m.retention_last_success.Set(static_cast<double>(Now()) / 1e9);
}

Result<CompactorRunStats> Compactor::RunOnce() {
  std::lock_guard<std::mutex> lk(run_mu_);
  CompactorRunStats s;
  int64_t now = Now();
  // Phases are independent transactions: one that fails (say, a corrupt chunk a delete request
  // must rewrite) is logged and retried next pass without holding back the others, so expired
  // data still goes and unreferenced files are still swept.
  Status st;
  auto phase = [&](const char* name, Status ps) {
    if (ps.ok()) return;
    SKALD_LOG(error, "compactor phase failed; will retry next interval", {{"phase", name}, {"err", ps.message()}});
    if (st.ok()) st = ps.Annotate(std::string("compactor ") + name);
  };
  auto& m = CompactorMetrics::Get();
  auto started = std::chrono::steady_clock::now();
  if (o_.cfg.retention_enabled) {
    phase("retention", MarkExpired(now, &s));
    if (o_.rewrite_chunks) phase("deletes", ProcessDeletes(now, &s));
    NoteRetentionRun(st.ok(), Seconds(started));   // the first phases: st holds only theirs
  }
  if (o_.rewrite_chunks) phase("compaction", CompactDays(now, &s));
  phase("sweep", Sweep(now, &s));
  m.runs.WithLabelValues({st.ok() ? "success" : "failure"}).Inc();
  m.compact_ops.WithLabelValues({st.ok() ? "success" : "failure"}).Inc();
  m.compact_duration.Set(Seconds(started));
  if (!st.ok()) return st;
  m.last_success.Set(static_cast<double>(Now()) / 1e9);
  m.compact_last_success.Set(static_cast<double>(Now()) / 1e9);
  if (s.expired_chunks + s.requests_processed + s.days_compacted + s.files_marked + s.files_deleted > 0) {
    SKALD_LOG(info, "compactor pass done",
              {{"expired_chunks", s.expired_chunks}, {"delete_requests", s.requests_processed},
               {"deleted_lines", s.deleted_lines}, {"days_compacted", s.days_compacted},
               {"chunks_rewritten", s.chunks_rewritten}, {"files_marked", s.files_marked},
               {"files_deleted", s.files_deleted}, {"bytes_reclaimed", s.bytes_reclaimed}});
  }
  return s;
}

void Compactor::Start() {
  if (loop_.joinable()) return;
  CompactorMetrics::Get().running.Set(1);
  auto period = std::chrono::nanoseconds(std::max<int64_t>(o_.cfg.compaction_interval_ns, 10000000));
  // As Loki: the first pass runs at once (on this thread, so start-up and readiness do not wait
  // for it) and expired data already on disk goes without waiting a whole interval.
  loop_ = std::thread([this, period] {
    std::unique_lock<std::mutex> lk(loop_mu_);
    std::chrono::nanoseconds wait{0};
    while (!loop_cv_.wait_for(lk, wait, [this] { return stop_; })) {
      lk.unlock();
      (void)RunOnce();
      lk.lock();
      wait = period;
    }
  });
}

void Compactor::Stop() {
  {
    std::lock_guard<std::mutex> lk(loop_mu_);
    stop_ = true;
  }
  loop_cv_.notify_all();
  if (loop_.joinable()) {
    loop_.join();
    CompactorMetrics::Get().running.Set(0);
  }
}

Status Compactor::MarkExpired(int64_t now, CompactorRunStats* s) {
  auto policy = o_.policy ? o_.policy() : nullptr;
  if (policy == nullptr) return Status::Ok();
  std::vector<std::pair<uint64_t, int64_t>> cutoffs;
  for (const auto& r : o_.index->AllStreams()) {
    if (r.chunks == 0) continue;
    int64_t c = policy->CutoffFor(r.tenant, r.labels, now);
    if (c != INT64_MIN && r.min_ts < c) cutoffs.emplace_back(r.id, c);
  }
  if (cutoffs.empty()) return Status::Ok();
  int64_t removed = 0;
  auto started = std::chrono::steady_clock::now();
  std::map<std::pair<std::string, std::string>, int64_t> marked;   // (table, tenant) → chunks
  SKALD_RETURN_IF_ERROR(o_.paused([&]() -> Status {
    auto rows = o_.index->DeleteChunksBefore(cutoffs);
    if (!rows.ok()) return rows.status();
    removed = static_cast<int64_t>(rows->size());
    for (const auto& row : *rows) marked[{TableOf(row.ref), TenantOf(row.ref)}]++;
    return Status::Ok();
  }));
  s->expired_chunks += removed;
  auto& m = CompactorMetrics::Get();
  m.expired_chunks.Inc(static_cast<double>(removed));
  double took = Seconds(started);
  for (const auto& [key, n] : marked) {
    m.marker_count.WithLabelValues({key.first}).Inc(static_cast<double>(n));
    m.table_processed.WithLabelValues({key.first, key.second, "modified"}).Inc();
    m.table_duration.WithLabelValues({key.first, "success"}).Observe(took);
  }
  return Status::Ok();
}

Status Compactor::Swap(std::vector<std::unique_ptr<SegmentWriter>>& writers, const std::vector<int64_t>& old_ids,
                       std::vector<index::FlushedChunk>& added, const std::vector<std::string>& old_files) {
  if (old_ids.empty()) return Status::Ok();
  return o_.paused([&]() -> Status {
    std::vector<chunk::ChunkRef*> refs;
    for (auto& a : added) refs.push_back(&a.ref);
    for (auto& w : writers) SKALD_RETURN_IF_ERROR(w->Publish(refs));
    SKALD_RETURN_IF_ERROR(o_.index->ReplaceChunks(old_ids, added));
    for (const auto& f : old_files) SKALD_RETURN_IF_ERROR(o_.files->CloseFile(f));
    return Status::Ok();
  });
}

Status Compactor::ProcessDeletes(int64_t now, CompactorRunStats* s) {
  auto& m = CompactorMetrics::Get();
  if (o_.deletes == nullptr || o_.deletes->empty()) {
    m.delete_requests_filter_only.Set(0);
    m.pending_deletes.Set(0);
    m.oldest_pending_age.Set(0);
    return Status::Ok();
  }
  auto due = o_.deletes->Due(now, o_.cfg.delete_request_cancel_period_ns);
  m.load_pending.WithLabelValues({due.ok() ? "success" : "fail"}).Inc();
  if (!due.ok()) return due.status();
  auto policy = o_.policy ? o_.policy() : nullptr;
  auto filter_only = [&](const retention::DeleteRequest& r) {
    return policy != nullptr && policy->DeletionModeFor(r.tenant) != retention::DeletionMode::kFilterAndDelete;
  };
  NotePending(*due, now, filter_only);
  for (const auto& r : *due) {
    // As Loki: lines leave the disk only in filter-and-delete mode; other requests stay "received"
    // (filter-only keeps filtering them at query time) until the tenant's mode changes.
    if (filter_only(r)) {
      s->requests_filter_only++;
      continue;
    }
    int64_t lines_before = s->deleted_lines;
    SKALD_RETURN_IF_ERROR(ProcessDelete(r, s));
    SKALD_RETURN_IF_ERROR(o_.deletes->MarkProcessed(r.tenant, r.id));
    s->requests_processed++;
    m.delete_requests.Inc();
    m.deletes_processed.WithLabelValues({r.tenant}).Inc();
    m.deleted_lines_user.WithLabelValues({r.tenant}).Inc(static_cast<double>(s->deleted_lines - lines_before));
    m.pending_deletes.Dec();
    SKALD_LOG(info, "delete request processed", {{"request_id", r.id}, {"tenant", r.tenant}, {"query", r.query}});
  }
  CompactorMetrics::Get().delete_requests_filter_only.Set(static_cast<double>(s->requests_filter_only));
  if (s->requests_filter_only > 0)
    SKALD_LOG(debug, "delete requests kept on disk by deletion_mode", {{"requests", s->requests_filter_only}});
  return Status::Ok();
}

// Loki's pending gauges: requests past their cancellation period that this pass should process.
void Compactor::NotePending(const std::vector<retention::DeleteRequest>& due, int64_t now,
                            const std::function<bool(const retention::DeleteRequest&)>& filter_only) {
  int64_t pending = 0, oldest = INT64_MAX;
  for (const auto& r : due) {
    if (filter_only(r)) continue;
    pending++;
    oldest = std::min(oldest, r.created_ns + o_.cfg.delete_request_cancel_period_ns);
  }
  auto& m = CompactorMetrics::Get();
  m.pending_deletes.Set(static_cast<double>(pending));
  m.oldest_pending_age.Set(pending == 0 ? 0.0 : std::max(0.0, static_cast<double>(now - oldest) / 1e9));
}

Status Compactor::ProcessDelete(const retention::DeleteRequest& r, CompactorRunStats* s) {
  auto c = retention::DeleteRequests::Compile(r);
  if (!c.ok()) return Status::Ok();   // validated on creation; an unparsable one has nothing to do
  auto streams = o_.index->Match(r.tenant, c->matchers);
  if (!streams.ok()) return streams.status();
  std::map<uint64_t, index::StreamRecord> by_id;
  for (auto& st : *streams) by_id.emplace(st.id, std::move(st));
  auto rows = o_.index->ChunkRows(chunk::ChunkFiles::EscapeTenant(r.tenant) + "/");
  if (!rows.ok()) return rows.status();
  const std::vector<retention::CompiledDelete> reqs{*c};
  Rewrite rw;
  for (const auto& row : *rows) {
    auto it = by_id.find(row.stream_id);
    if (it == by_id.end() || row.ref.max_ts < r.start_ns || row.ref.min_ts > r.end_ns) continue;
    retention::LineDeleter d(reqs, it->second.labels);
    SKALD_RETURN_IF_ERROR(RewriteWithout(row, it->second.fingerprint, d, &rw, s));
  }
  s->chunks_rewritten += static_cast<int64_t>(rw.added.size());
  CompactorMetrics::Get().chunks_rewritten.Inc(static_cast<double>(rw.added.size()));
  return Swap(rw.writers, rw.old_ids, rw.added, std::vector<std::string>(rw.old_files.begin(), rw.old_files.end()));
}

// Re-encodes one chunk without the lines `d` deletes into a new segment of the chunk's day;
// a chunk that loses every line is only dropped, one that loses none is left alone.
Status Compactor::RewriteWithout(const index::ChunkRow& row, uint64_t fp, retention::LineDeleter& d, Rewrite* rw,
                                 CompactorRunStats* s) {
  std::vector<OwnedEntry> entries, kept;
  SKALD_RETURN_IF_ERROR(ReadEntries(*o_.files, row.ref, &entries));
  for (auto& e : entries)
    if (!d.Deleted(e.ts_ns, e.line, e.metadata.empty() ? nullptr : &e.metadata)) kept.push_back(std::move(e));
  if (kept.size() == entries.size()) return Status::Ok();
  s->deleted_lines += static_cast<int64_t>(entries.size() - kept.size());
  CompactorMetrics::Get().deleted_lines.Inc(static_cast<double>(entries.size() - kept.size()));
  rw->old_ids.push_back(row.id);
  rw->old_files.insert(row.ref.file);
  if (kept.empty()) return Status::Ok();
  std::string dir = row.ref.file.substr(0, row.ref.file.rfind('/'));
  auto [w, fresh] = rw->writer_of.try_emplace(dir, rw->writers.size());
  if (fresh) rw->writers.push_back(std::make_unique<SegmentWriter>(fs_, o_.files->root(), dir, o_.roll_size));
  auto ref = rw->writers[w->second]->Append(fp, BuildBlocks(&kept, o_.block_size, o_.encoding));
  if (!ref.ok()) return ref.status();
  rw->added.push_back(index::FlushedChunk{row.stream_id, std::move(*ref), 0});
  return Status::Ok();
}

}  // namespace skald::compactor
