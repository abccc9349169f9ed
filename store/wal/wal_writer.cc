// Group commit: Enqueue appends framed bytes to an in-memory batch under a mutex; the writer thread
// swaps the batches out, writes each with one write() and syncs once, then wakes every waiter.
#include "store/wal/wal_writer.h"

#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "common/logger.h"
#include "common/metrics.h"
#include "common/thread_slice.h"
#include "store/fs/coding.h"
#include "store/fs/crc32c.h"
#include "store/wal/wal_format.h"

namespace skald::wal {

std::string SegmentPath(const std::string& dir, uint64_t seq) {
  char name[32];
  std::snprintf(name, sizeof(name), "%08llu.wal", static_cast<unsigned long long>(seq));
  return fs::JoinPath(dir, name);
}

bool ParseSegmentName(const std::string& name, uint64_t* seq) {
  if (name.size() < 5 || name.substr(name.size() - 4) != ".wal") return false;
  uint64_t v = 0;
  for (size_t i = 0; i + 4 < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9') return false;
    v = v * 10 + static_cast<uint64_t>(name[i] - '0');
  }
  *seq = v;
  return true;
}

Result<FsyncPolicy> ParseFsyncPolicy(std::string_view name) {
  if (name == "group" || name.empty()) return FsyncPolicy::kGroup;
  if (name == "always") return FsyncPolicy::kAlways;
  if (name == "never") return FsyncPolicy::kNever;
  return Status::Invalid("wal_fsync: unknown policy \"" + std::string(name) +
                         "\" (want group, always or never)");
}

Result<std::unique_ptr<WalWriter>> WalWriter::Open(WalOptions opts) {
  if (opts.fs == nullptr) opts.fs = fs::FileSystem::Default();
  SKALD_RETURN_IF_ERROR(opts.fs->MkdirAll(opts.dir));
  auto names = opts.fs->List(opts.dir);
  if (!names.ok()) return names.status();
  uint64_t last = 0, seq;
  for (const auto& n : *names)
    if (ParseSegmentName(n, &seq) && seq > last) last = seq;
  (void)WriteFailures();
  std::unique_ptr<WalWriter> w(new WalWriter(std::move(opts)));
  w->seq_ = std::max(last + 1, w->opts_.min_seq);
  std::string header;
  SKALD_RETURN_IF_ERROR(w->OpenSegment(w->seq_, &header));
  SKALD_RETURN_IF_ERROR(w->file_->Append(header));
  SKALD_RETURN_IF_ERROR(w->file_->Sync());
  w->offset_ = kSegmentHeaderSize;
  w->acked_size_ = kSegmentHeaderSize;
  w->thread_ = std::thread([p = w.get()] {
    (void)RequestIngestPriority(2);   // every push waits for this thread's fsync
    p->Run();
  });
  pthread_setname_np(w->thread_.native_handle(), "wal-writer");
  return w;
}

WalWriter::~WalWriter() { (void)Close(); }

Status WalWriter::OpenSegment(uint64_t seq, std::string* header) {
  if (file_ != nullptr) SKALD_RETURN_IF_ERROR(file_->Close());
  file_.reset();
  file_seq_ = seq;          // from here on a failure cuts (removes) this segment, not the previous
  acked_size_ = 0;
  auto f = opts_.fs->OpenAppend(SegmentPath(opts_.dir, seq));
  if (!f.ok()) return f.status();
  file_ = std::move(*f);
  SKALD_RETURN_IF_ERROR(opts_.fs->SyncDir(opts_.dir));
  header->append(kSegmentMagic, 4);
  header->append(reinterpret_cast<const char*>(&kFormatVersion), 2);
  header->append(2, '\0');
  fs::PutFixed64(*header, seq);
  return Status::Ok();
}

WalWriter::Ticket WalWriter::Enqueue(uint8_t type, std::string_view payload) {
  char hdr[kRecordHeaderSize];
  uint32_t len = static_cast<uint32_t>(payload.size());
  std::memcpy(hdr, &len, 4);
  hdr[8] = static_cast<char>(type);
  uint32_t crc = fs::Crc32cExtend(0, hdr, 4);
  crc = fs::Crc32cExtend(crc, hdr + 8, 1);
  crc = fs::Crc32cExtend(crc, payload.data(), payload.size());
  std::memcpy(hdr + 4, &crc, 4);
  size_t rec = kRecordHeaderSize + payload.size();

  std::lock_guard<std::mutex> lk(mu_);
  if (blocked_.load(std::memory_order_relaxed)) return Ticket{0, 0, epoch_};
  if (offset_ + rec > static_cast<uint64_t>(opts_.segment_size) && offset_ > kSegmentHeaderSize) {
    ++seq_;                                   // the writer thread opens it and writes its header
    offset_ = kSegmentHeaderSize;
  }
  if (pending_.empty() || pending_.back().seq != seq_) pending_.push_back(Batch{seq_, spare_.Take(), {}});
  Batch& b = pending_.back();
  Ticket t{MakePos(seq_, offset_), ++next_id_, epoch_};
  b.buf.append(hdr, kRecordHeaderSize);
  b.buf.append(payload);
  b.ends.emplace_back(b.buf.size(), t.id);
  offset_ += rec;
  stats_.records++;
  stats_.bytes += rec;
  work_cv_.notify_one();
  return t;
}

// A ticket of an earlier epoch was durable iff its id is at or below that epoch's last durable id.
bool WalWriter::Resolved(const Ticket& t, Status* st) const {
  if (t.id == 0) {
    *st = failure_.ok() ? Status::Unavailable("wal is not writable") : failure_;
    return true;
  }
  if (t.epoch < epoch_) {
    auto it = lost_.find(t.epoch);
    bool durable = it != lost_.end() && t.id <= it->second.first;
    *st = durable ? Status::Ok() : it != lost_.end() ? it->second.second : Status::IOError("wal write failed");
    return true;
  }
  if (durable_id_ >= t.id) {
    *st = Status::Ok();
    return true;
  }
  if (!closed_) return false;
  *st = Status::Unavailable("wal is closed");
  return true;
}

Status WalWriter::Wait(const Ticket& t) {
  std::unique_lock<std::mutex> lk(mu_);
  Status st;
  done_cv_.wait(lk, [&] { return Resolved(t, &st); });
  return st;
}

bool WalWriter::Poll(const Ticket& t, Status* st) const {
  std::lock_guard<std::mutex> lk(mu_);
  return Resolved(t, st);
}

Status WalWriter::failure() const {
  std::lock_guard<std::mutex> lk(mu_);
  return failure_;
}

Status WalWriter::Append(uint8_t type, std::string_view payload, uint64_t* pos) {
  Ticket t = Enqueue(type, payload);
  if (pos != nullptr) *pos = t.pos;
  return Wait(t);
}

uint64_t WalWriter::current_segment() const {
  std::lock_guard<std::mutex> lk(mu_);
  return seq_;
}

bool WalWriter::RollIfIdle() {
  std::lock_guard<std::mutex> lk(mu_);
  if (blocked_.load(std::memory_order_relaxed) || !pending_.empty() || durable_id_ != next_id_ ||
      offset_ <= kSegmentHeaderSize)
    return false;
  ++seq_;                                   // the writer thread opens it with the next record
  offset_ = kSegmentHeaderSize;
  return true;
}

void WalWriter::Run() {
  for (;;) {
    std::deque<Batch> batches;
    {
      std::unique_lock<std::mutex> lk(mu_);
      if (blocked_.load(std::memory_order_relaxed)) {
        work_cv_.wait_for(lk, std::chrono::milliseconds(backoff_ms_), [&] { return closing_; });
        if (closing_) return;
        lk.unlock();
        TryRecover();
        continue;
      }
      work_cv_.wait(lk, [&] { return !pending_.empty() || closing_; });
      if (pending_.empty() && closing_) return;
      batches.swap(pending_);
    }
    Status st = WriteBatches(batches);
    if (!st.ok()) Fail(st);
    for (Batch& b : batches) spare_.Give(std::move(b.buf));   // reused by Enqueue: no fresh pages
  }
}

// Writes each batch (a segment switch syncs and acknowledges the old segment first), then syncs
// once per group and acknowledges every record written.
Status WalWriter::WriteBatches(std::deque<Batch>& batches) {
  for (Batch& b : batches) {
    if (b.seq != file_seq_) {
      if (opts_.policy != FsyncPolicy::kNever) SKALD_RETURN_IF_ERROR(SyncFile());
      Publish(written_id_);
      std::string header;
      SKALD_RETURN_IF_ERROR(OpenSegment(b.seq, &header));
      b.buf.insert(0, header);
      for (auto& e : b.ends) e.first += header.size();
    }
    SKALD_RETURN_IF_ERROR(WriteOne(b));
  }
  if (opts_.policy == FsyncPolicy::kGroup) SKALD_RETURN_IF_ERROR(SyncFile());
  Publish(written_id_);
  return Status::Ok();
}

Status WalWriter::WriteOne(Batch& b) {
  if (b.ends.empty()) return Status::Ok();
  if (opts_.policy != FsyncPolicy::kAlways) {
    SKALD_RETURN_IF_ERROR(file_->Append(b.buf));
    written_id_ = b.ends.back().second;
    return Status::Ok();
  }
  size_t start = 0;
  for (const auto& [end, id] : b.ends) {
    SKALD_RETURN_IF_ERROR(file_->Append(std::string_view(b.buf).substr(start, end - start)));
    SKALD_RETURN_IF_ERROR(SyncFile());
    start = end;
    written_id_ = id;
    Publish(id);
  }
  return Status::Ok();
}

void WalWriter::Publish(uint64_t id) {
  if (file_ != nullptr) acked_size_ = file_->Size();
  std::lock_guard<std::mutex> lk(mu_);
  if (id <= durable_id_) return;
  durable_id_ = id;
  done_cv_.notify_all();
}

Status WalWriter::SyncFile() {
  auto t0 = std::chrono::steady_clock::now();
  Status st = file_->Sync();
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0);
  static metrics::Histogram& fsync_hist = metrics::Registry::Default().NewHistogram(
      "skald_wal_fsync_duration_seconds", "WAL fsync latency.", metrics::ExponentialBuckets(0.0001, 2, 16));
  fsync_hist.Observe(static_cast<double>(ns.count()) / 1e9);
  std::lock_guard<std::mutex> lk(mu_);
  stats_.fsyncs++;
  stats_.fsync_ns += static_cast<uint64_t>(ns.count());
  return st;
}

Status WalWriter::RemoveSegmentsBefore(uint64_t seq) {
  auto names = opts_.fs->List(opts_.dir);
  if (!names.ok()) return names.status();
  uint64_t cur = current_segment(), s;
  bool closed;
  {
    std::lock_guard<std::mutex> lk(mu_);
    closed = closed_;
  }
  for (const auto& n : *names) {
    if (!ParseSegmentName(n, &s) || s >= seq || (s >= cur && !closed)) continue;
    SKALD_RETURN_IF_ERROR(opts_.fs->Remove(fs::JoinPath(opts_.dir, n)));
    std::lock_guard<std::mutex> lk(mu_);
    stats_.segments_removed++;
  }
  return Status::Ok();
}

Status WalWriter::Close() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    closing_ = true;
    work_cv_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
  {
    std::lock_guard<std::mutex> lk(mu_);
    closed_ = true;
    done_cv_.notify_all();
  }
  if (cut_pending_) (void)CutFailedSegment();   // lost records must not come back on replay
  Status st;
  if (file_ != nullptr && !blocked()) {
    st = file_->Sync();
    Status c = file_->Close();
    if (st.ok()) st = c;
  }
  file_.reset();
  std::lock_guard<std::mutex> lk(mu_);
  return failure_.ok() ? st : failure_;
}

WalStats WalWriter::stats() const {
  std::lock_guard<std::mutex> lk(mu_);
  return stats_;
}

}  // namespace skald::wal
