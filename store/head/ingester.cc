// Ingester lifecycle and the push path: under one lock, filter each entry (out-of-order window,
// exact duplicates) and frame the accepted ones into one WAL record; wait for the group commit
// outside the lock; then append durable pushes to their heads in WAL order and answer.
#include "store/head/ingester.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <thread>

#include "common/logger.h"
#include "store/head/ingester_metrics.h"
#include "store/wal/wal_format.h"
#include "store/wal/wal_reader.h"
#include "store/wal/wal_record.h"

namespace skald::head {

namespace {

// Go's time.Time String() in UTC and RFC3339 (what Loki prints in rejection messages).
std::string GoTime(int64_t ns, bool rfc3339) {
  time_t sec = static_cast<time_t>(ns / 1000000000);
  struct tm tm;
  gmtime_r(&sec, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, rfc3339 ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d %H:%M:%S +0000 UTC", &tm);
  return buf;
}

}  // namespace

Ingester::Ingester(IngesterOptions opts) : opts_(std::move(opts)) {
  fs_ = opts_.fs != nullptr ? opts_.fs : fs::FileSystem::Default();
}

void Ingester::AddIndexedStreamLocked(const index::StreamRecord& r) {
  if (by_id_.count(r.id) > 0) return;
  auto s = std::make_unique<Stream>();
  s->id = r.id;
  s->fp = r.fingerprint;
  s->tenant = r.tenant;
  s->labels = r.labels;
  s->flushed_wal = r.flushed_wal;
  s->max_ts = r.chunks > 0 ? r.max_ts : INT64_MIN;
  s->tm = IngesterMetrics::ForTenant(r.tenant);
  by_id_[s->id] = s.get();
  by_fp_[r.tenant][r.fingerprint].push_back(std::move(s));
}

Status Ingester::AdoptIndexedStream(uint64_t id) {
  index::StreamRecord r;
  if (!index_->GetStream(id, &r)) return Status::NotFound("adopt: no stream " + std::to_string(id) + " in the index");
  std::lock_guard<std::mutex> lk(mu_);
  AddIndexedStreamLocked(r);
  return Status::Ok();
}

Result<std::unique_ptr<Ingester>> Ingester::Open(IngesterOptions opts) {
  std::unique_ptr<Ingester> ing(new Ingester(std::move(opts)));
  SKALD_RETURN_IF_ERROR(ing->Init());
  return ing;
}

Status Ingester::Init() {
  SKALD_RETURN_IF_ERROR(fs_->MkdirAll(opts_.dir));
  auto idx = index::IndexDb::Open(fs::JoinPath(opts_.dir, "index.db"));
  if (!idx.ok()) return idx.status();
  index_ = std::move(*idx);
  files_ = std::make_unique<chunk::ChunkFiles>(fs_, fs::JoinPath(opts_.dir, "chunks"));
  for (auto& r : index_->AllStreams()) AddIndexedStreamLocked(r);
  wal_dir_ = opts_.cfg.wal_dir.empty() ? fs::JoinPath(opts_.dir, "wal") : opts_.cfg.wal_dir;
  if (opts_.cfg.wal_enabled) {
    SKALD_RETURN_IF_ERROR(Replay());
    auto policy = wal::ParseFsyncPolicy(opts_.cfg.wal_fsync);
    if (!policy.ok()) return policy.status();
    wal::WalOptions wo{wal_dir_, *policy, opts_.cfg.wal_segment_size, fs_};
    wo.retry_initial_ms = opts_.wal_retry_initial_ms;
    for (const auto& [id, s] : by_id_) wo.min_seq = std::max(wo.min_seq, wal::PosSegment(s->flushed_wal) + 1);
    auto w = wal::WalWriter::Open(std::move(wo));
    if (!w.ok()) return w.status();
    wal_ = std::move(*w);
  }
  auto floor = fs::ParseFreeSpaceFloor(opts_.cfg.min_free_space);
  if (!floor.ok()) return floor.status().Annotate("ingester.min_free_space");
  if (!floor->disabled())
    space_ = std::make_unique<fs::FreeSpaceGuard>(fs_, std::vector<std::string>{wal_dir_, opts_.dir}, *floor);
  if (opts_.run_flush_loop) loop_ = std::thread([this] { Loop(); });
  return Status::Ok();
}

Status Ingester::Replay() {
  std::lock_guard<std::mutex> lk(mu_);
  auto& m = IngesterMetrics::Get();
  m.replay_active.Set(1);
  auto started = std::chrono::steady_clock::now();
  int64_t bytes = 0;
  auto report = wal::ReplayWal(fs_, wal_dir_, true, [&](const wal::WalRecord& rec) -> Status {
    if (rec.type != wal::kPushRecord) return Status::Ok();
    std::string tenant;
    std::vector<LogStream> streams;
    SKALD_RETURN_IF_ERROR(wal::DecodePushRecord(rec.payload, &tenant, &streams));
    for (auto& ls : streams) {
      auto s = GetOrCreate(tenant, ls.labels);
      if (!s.ok()) return s.status();
      Stream& st = **s;
      if (rec.pos <= st.flushed_wal) continue;
      for (const auto& e : ls.entries) {
        if (st.head.HasDuplicate(e.ts_ns, e.line)) continue;
        AppendEntry(st, e);
        bytes += static_cast<int64_t>(e.line.size());
        stats_.replayed_entries++;
      }
      if (st.first_wal == 0) st.first_wal = rec.pos;
      st.last_wal = rec.pos;
    }
    stats_.replayed_records++;
    return Status::Ok();
  });
  m.replay_active.Set(0);
  m.replay_duration.Set(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  if (!report.ok()) return report.status().Annotate("wal replay");
  stats_.replay_problems = report->problems;
  m.wal_corruptions.WithLabelValues({"segment"}).Inc(static_cast<double>(report->problems.size()));
  m.replayed_entries.Inc(static_cast<double>(stats_.replayed_entries));
  m.replayed_bytes.Inc(static_cast<double>(bytes));
  SKALD_LOG(info, "wal replayed", {{"segments", report->segments}, {"records", report->records},
                                   {"entries", stats_.replayed_entries},
                                   {"problems", static_cast<int64_t>(report->problems.size())}});
  return Status::Ok();
}

Ingester::~Ingester() {
  {
    std::lock_guard<std::mutex> lk(loop_mu_);
    stop_ = true;
    loop_cv_.notify_all();
  }
  if (loop_.joinable()) loop_.join();
  if (wal_ != nullptr) (void)wal_->Close();   // a crash leaves exactly this on disk
  for (auto& [id, s] : by_id_) {               // what this ingester held leaves the gauges
    if (s->chunk_start_wall != 0) IngesterMetrics::Get().memory_chunks.Dec();
    if (s->in_memory) s->tm->memory_streams.Dec();
  }
}

Status Ingester::Close() {
  {
    std::lock_guard<std::mutex> lk(loop_mu_);
    if (closed_) return Status::Ok();
    closed_ = stop_ = true;
    loop_cv_.notify_all();
  }
  if (loop_.joinable()) loop_.join();
  Status st = FlushAll();
  if (wal_ != nullptr) {
    Status c = wal_->Close();
    if (st.ok()) st = c;
    if (st.ok()) st = wal_->RemoveSegmentsBefore(UINT64_MAX);
  }
  return st;
}

int64_t Ingester::Now() const {
  if (opts_.now_ns) return opts_.now_ns();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Result<Ingester::Stream*> Ingester::GetOrCreate(const std::string& tenant, const LabelSet& labels) {
  uint64_t fp = labels.Fingerprint();
  auto& bucket = by_fp_[tenant][fp];
  for (auto& s : bucket)
    if (s->labels == labels) return s.get();      // fingerprint collisions fall through to a new id
  auto id = index_->AddStream(tenant, fp, labels);
  if (!id.ok()) return id.status();
  auto s = std::make_unique<Stream>();
  s->id = *id;
  s->fp = fp;
  s->tenant = tenant;
  s->labels = labels;
  s->tm = IngesterMetrics::ForTenant(tenant);
  by_id_[s->id] = s.get();
  bucket.push_back(std::move(s));
  stats_.streams++;
  return bucket.back().get();
}

void Ingester::AppendEntry(Stream& s, const LogEntry& e) {
  size_t before = s.head.bytes();
  s.head.Append(e.ts_ns, e.line, e.metadata);
  head_bytes_ += static_cast<int64_t>(s.head.bytes() - before);
  s.max_ts = std::max(s.max_ts, e.ts_ns);
  int64_t now = Now();
  s.last_append_wall = now;
  if (s.chunk_start_wall == 0) {
    s.chunk_start_wall = std::max<int64_t>(now, 1);   // 0 means "no open chunk"
    IngesterMetrics::Get().memory_chunks.Inc();
  }
  if (!s.in_memory) {
    s.in_memory = true;
    s.tm->memory_streams.Inc();
    s.tm->streams_created.Inc();
  }
  stats_.lines++;
  stats_.bytes += static_cast<int64_t>(e.line.size());
  if (static_cast<int64_t>(s.head.bytes()) >= opts_.cfg.chunk_block_size) SealHead(s);
}

void Ingester::SealHead(Stream& s) {
  if (s.head.empty()) return;
  Piece p{s.head.Seal(), nullptr};
  s.piece_bytes += p.bytes();
  s.pieces.push_back(std::move(p));
  stats_.blocks_cut++;
  loop_cv_.notify_one();
}

std::string Ingester::RejectMessage(const Stream& s, int64_t ts, int64_t oldest) const {
  if (oldest == INT64_MIN)
    return "entry with timestamp " + GoTime(ts, false) + " ignored, reason: 'entry out of order' for stream: " +
           s.labels.ToString();
  return "entry with timestamp " + GoTime(ts, false) + " ignored, reason: 'entry too far behind, entry timestamp is: " +
         GoTime(ts, true) + ", oldest acceptable timestamp is: " + GoTime(oldest, true) + "'";
}

Status Ingester::Push(const std::string& tenant, std::vector<LogStream>&& streams) {
  return PushDetailed(tenant, std::move(streams), nullptr);
}

// Filters one pushed stream entry by entry; accepted entries are only referenced (the head gets them
// once durable), but they move the stream's max_ts at once. Caller holds mu_.
void Ingester::AcceptEntries(Stream& s, const LogStream& in, size_t si, PushResult& r,
                             wal::StreamEntriesRef* ref, std::vector<uint8_t>* ok) {
  ok->assign(in.entries.size(), 0);
  int64_t lo = INT64_MAX, hi = INT64_MIN;   // accepted timestamps of this push
  for (size_t ei = 0; ei < in.entries.size(); ++ei) {
    const LogEntry& e = in.entries[ei];
    bool have = s.max_ts != INT64_MIN;
    int64_t half = opts_.cfg.max_chunk_age_ns / 2;
    int64_t oldest = have && s.max_ts > INT64_MIN + half ? s.max_ts - half : INT64_MIN;
    bool out_of_order = have && !opts_.unordered_writes && e.ts_ns < s.max_ts;
    if (out_of_order || (opts_.unordered_writes && e.ts_ns < oldest)) {
      r.rejected.push_back({si, ei, out_of_order ? "out_of_order" : "too_far_behind",
                            RejectMessage(s, e.ts_ns, out_of_order ? INT64_MIN : oldest)});
      stats_.rejected++;
      continue;
    }
    bool twin = e.ts_ns >= lo && e.ts_ns <= hi &&
                std::any_of(ref->entries.rbegin(), ref->entries.rend(),
                            [&](const LogEntry* a) { return a->ts_ns == e.ts_ns && a->line == e.line; });
    if (twin || s.head.HasDuplicate(e.ts_ns, e.line)) {
      IngesterMetrics::Get().duplicates.Inc();
      r.duplicates++;
      stats_.duplicates++;
      continue;
    }
    ref->entries.push_back(&e);
    lo = std::min(lo, e.ts_ns);
    hi = std::max(hi, e.ts_ns);
    s.max_ts = std::max(s.max_ts, e.ts_ns);
    (*ok)[ei] = 1;
    r.accepted++;
  }
}

Status Ingester::PushDetailed(const std::string& tenant, std::vector<LogStream>&& streams, PushResult* result) {
  PushResult local;
  PushResult& r = result != nullptr ? *result : local;
  SKALD_RETURN_IF_ERROR(CheckWritable());
  WaitForMemory();
  std::vector<std::vector<uint8_t>> ok(streams.size());
  PendingPush p;
  {
    std::unique_lock<std::mutex> lk(mu_);
    for (size_t si = 0; si < streams.size(); ++si) {
      auto sp = GetOrCreate(tenant, streams[si].labels);
      if (!sp.ok()) return sp.status();
      wal::StreamEntriesRef ref{&streams[si].labels, {}};
      AcceptEntries(**sp, streams[si], si, r, &ref, &ok[si]);
      if (ref.entries.empty()) continue;
      p.refs.push_back(std::move(ref));
      p.touched.push_back(*sp);
      p.gens.push_back((*sp)->apply_gen);
    }
    if (!p.refs.empty() && wal_ == nullptr) ApplyPush(p);
    if (!p.refs.empty() && wal_ != nullptr) LogToWal(tenant, &p);
  }
  if (wal_ != nullptr && !p.refs.empty()) SKALD_RETURN_IF_ERROR(AwaitDurable(p));
  if (nsubs_.load(std::memory_order_relaxed) > 0) Notify(tenant, streams, ok);
  if (r.rejected.empty()) return Status::Ok();
  std::string msg;
  for (const auto& rej : r.rejected) msg += rej.message + ",\n";
  msg += "user '" + tenant + "', total ignored: " + std::to_string(r.rejected.size()) + " out of " +
         std::to_string(r.rejected.size() + static_cast<size_t>(r.accepted + r.duplicates));
  return Status::Invalid(msg);
}

// Waits for the push's group commit, then applies it and every push queued before it, in WAL order.
// A lost or refused record fails the push (IOError / Unavailable): nothing of it became visible.
Status Ingester::AwaitDurable(PendingPush& p) {
  if (space_ != nullptr) space_->Note(static_cast<int64_t>(p.bytes));
  if (p.ticket.id != 0) {
    (void)wal_->Wait(p.ticket);   // the outcome is read in WAL order below
    std::unique_lock<std::mutex> lk(mu_);
    ApplyResolved(lk, p);
  } else {
    Status f = wal_->failure();
    p.st = f.ok() ? Status::Unavailable("wal is not writable") : f;
  }
  if (p.st.ok()) return Status::Ok();
  IngesterMetrics::Get().pushes_refused.WithLabelValues({"wal"}).Inc();
  RefreshWriteBlock();
  return p.st.Annotate("push not stored (retry later): the WAL write failed");
}

// Frames the accepted entries as one record and queues the push behind earlier ones; positions
// are assigned under mu_, in queue order. A refused ticket (the WAL is failed) is not queued.
void Ingester::LogToWal(const std::string& tenant, PendingPush* p) {
  // One payload buffer, reused under mu_: encoding into a fresh, growing string per push cost page
  // faults and reallocation copies worth a fifth of the push CPU (#19).
  std::string& payload = wal_payload_;
  payload.clear();
  payload.reserve(wal::EncodedPushRecordSizeHint(tenant, p->refs));
  wal::EncodePushRecord(tenant, p->refs, &payload);
  p->ticket = wal_->Enqueue(wal::kPushRecord, payload);
  p->bytes = payload.size();
  if (p->ticket.id == 0) return;
  pending_.push_back(p);
  IngesterMetrics::Get().wal_records.Inc();
  IngesterMetrics::Get().wal_bytes.Inc(static_cast<double>(payload.size()));
  if (payload.capacity() > kMaxKeptWalPayload) std::string().swap(payload);
}

// Makes a durable push visible: appends its entries to their heads (re-checking duplicates when
// another push reached the stream since the check) and moves the streams' WAL positions. mu_ held.
void Ingester::ApplyPush(PendingPush& p) {
  const uint64_t pos = p.ticket.pos;
  for (size_t i = 0; i < p.refs.size(); ++i) {
    Stream& s = *p.touched[i];
    const bool recheck = s.apply_gen != p.gens[i];
    for (const LogEntry* e : p.refs[i].entries) {
      if (recheck && s.head.HasDuplicate(e->ts_ns, e->line)) continue;
      AppendEntry(s, *e);
    }
    s.apply_gen++;
    if (pos == 0) continue;
    if (s.first_wal == 0) s.first_wal = pos;
    s.last_wal = pos;
  }
}

// Applies (or drops, when lost) queued pushes in WAL order up to and including `me`. Its ticket is
// resolved, so every earlier one is too (durable and lost tickets are prefixes). mu_ held via lk.
void Ingester::ApplyResolved(std::unique_lock<std::mutex>& lk, PendingPush& me) {
  while (!me.done) {
    PendingPush* f = pending_.front();
    Status st;
    if (!wal_->Poll(f->ticket, &st)) {   // not expected; never apply out of order
      lk.unlock();
      std::this_thread::yield();
      lk.lock();
      continue;
    }
    pending_.pop_front();
    if (st.ok()) ApplyPush(*f);
    f->st = std::move(st);
    f->done = true;
  }
}

void Ingester::WaitForMemory() {
  const int64_t hard = 2 * opts_.memory_budget;
  if (head_bytes_.load(std::memory_order_relaxed) <= hard || !opts_.run_flush_loop) return;
  loop_cv_.notify_one();
  IngesterMetrics::Get().backpressure_waits.Inc();
  std::unique_lock<std::mutex> lk(mem_mu_);
  // Bounded wait: the flush loop wakes us as soon as it has compressed or flushed something.
  mem_cv_.wait_for(lk, std::chrono::milliseconds(200), [&] { return head_bytes_.load() <= hard; });
}

void Ingester::Notify(const std::string& tenant, const std::vector<LogStream>& streams,
                      const std::vector<std::vector<uint8_t>>& ok) {
  std::lock_guard<std::mutex> lk(sub_mu_);
  for (const auto& sub : subs_) {
    if (sub->tenant != tenant) continue;
    for (size_t si = 0; si < streams.size(); ++si)
      for (size_t ei = 0; ei < streams[si].entries.size(); ++ei)
        if (ok[si][ei]) sub->fn(streams[si].labels, streams[si].entries[ei]);
  }
}

std::shared_ptr<void> Ingester::Subscribe(const std::string& tenant, TailFn fn) {
  auto sub = std::make_shared<Subscriber>(Subscriber{tenant, std::move(fn)});
  {
    std::lock_guard<std::mutex> lk(sub_mu_);
    subs_.push_back(sub);
    nsubs_++;
  }
  // The handle must not outlive the Ingester.
  return std::shared_ptr<void>(sub.get(), [this, sub](void*) {
    std::lock_guard<std::mutex> lk(sub_mu_);
    std::erase(subs_, sub);
    nsubs_--;
  });
}

IngesterStats Ingester::stats() const {
  std::lock_guard<std::mutex> lk(mu_);
  IngesterStats s = stats_;
  s.head_bytes = head_bytes_;
  if (wal_ != nullptr) s.wal = wal_->stats();
  return s;
}

}  // namespace skald::head
