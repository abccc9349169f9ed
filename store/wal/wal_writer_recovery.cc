// The WAL's failure episode: a failed write or fsync loses every record not yet durable, cuts the
// failed segment back to its last durable record, and retries on a fresh segment with backoff.
#include <algorithm>

#include "common/logger.h"
#include "common/metrics.h"
#include "store/wal/wal_format.h"
#include "store/wal/wal_writer.h"

namespace skald::wal {
namespace {

constexpr size_t kLostEpochsKept = 4096;   // a waiter would have to sleep through that many episodes

}  // namespace

metrics::Counter& WriteFailures() {
  static metrics::Counter& c = metrics::Registry::Default().NewCounter(
      "skald_wal_write_failures_total", "WAL writes, fsyncs and recovery attempts that failed.");
  return c;
}

// Refuses new appends at once, cuts the lost records off the disk, and only then answers their
// waiters: a push answered 5xx must not come back from a replay.
void WalWriter::Fail(const Status& st) {
  {
    std::lock_guard<std::mutex> lk(mu_);
    failure_ = st;
    blocked_.store(true, std::memory_order_release);
    stats_.write_failures++;
  }
  WriteFailures().Inc();
  SKALD_LOG(error, "wal write failed; refusing appends until a retry on a fresh segment succeeds",
            {{"err", st.message()}, {"segment", static_cast<int64_t>(file_seq_)}});
  cut_pending_ = true;
  Status cut = CutFailedSegment();
  if (!cut.ok()) SKALD_LOG(warn, "cutting the failed wal segment back failed; will retry", {{"err", cut.message()}});
  {
    std::lock_guard<std::mutex> lk(mu_);
    lost_[epoch_] = {durable_id_, st};
    while (lost_.size() > kLostEpochsKept) lost_.erase(lost_.begin());
    ++epoch_;
    pending_.clear();   // all of them were enqueued in the failed epoch
    done_cv_.notify_all();
  }
  backoff_ms_ = opts_.retry_initial_ms;
}

// Truncates the failed segment to its durable records (removes it when it has none) and makes that
// durable, so replay restores exactly what was acknowledged.
Status WalWriter::CutFailedSegment() {
  if (file_ != nullptr) (void)file_->Close();
  file_.reset();
  const std::string path = SegmentPath(opts_.dir, file_seq_);
  Status st;
  if (acked_size_ <= kSegmentHeaderSize) {
    st = opts_.fs->Remove(path);
    if (st.code() == Code::kNotFound) st = Status::Ok();
    if (st.ok()) st = opts_.fs->SyncDir(opts_.dir);
  } else {
    st = opts_.fs->Truncate(path, acked_size_);
    // Gone already (an idle roll let the segment be removed): nothing of it can come back.
    if (st.code() == Code::kNotFound) {
      cut_pending_ = false;
      return Status::Ok();
    }
    if (st.ok()) {
      auto f = opts_.fs->OpenAppend(path);
      st = f.ok() ? (*f)->Sync() : f.status();
      if (f.ok()) (void)(*f)->Close();
    }
  }
  cut_pending_ = !st.ok();
  return st;
}

// Opens the next segment and makes its header durable: the probe that the disk takes writes again.
Status WalWriter::StartFreshSegment() {
  uint64_t seq;
  {
    std::lock_guard<std::mutex> lk(mu_);
    seq = std::max(seq_, file_seq_) + 1;
  }
  std::string header;
  cut_pending_ = true;   // whatever fails below, the half-made segment goes on the next attempt
  SKALD_RETURN_IF_ERROR(OpenSegment(seq, &header));
  SKALD_RETURN_IF_ERROR(file_->Append(header));
  SKALD_RETURN_IF_ERROR(SyncFile());
  acked_size_ = header.size();
  cut_pending_ = false;
  return Status::Ok();
}

void WalWriter::TryRecover() {
  Status st = cut_pending_ ? CutFailedSegment() : Status::Ok();
  if (st.ok()) st = StartFreshSegment();
  if (!st.ok()) {
    WriteFailures().Inc();
    {
      std::lock_guard<std::mutex> lk(mu_);
      stats_.write_failures++;
      failure_ = st;
    }
    backoff_ms_ = std::min(backoff_ms_ * 2, opts_.retry_max_ms);
    SKALD_LOG(debug, "wal still not writable", {{"err", st.message()}, {"retry_ms", backoff_ms_}});
    return;
  }
  {
    std::lock_guard<std::mutex> lk(mu_);
    seq_ = file_seq_;
    offset_ = kSegmentHeaderSize;
    failure_ = Status::Ok();
    stats_.recoveries++;
    blocked_.store(false, std::memory_order_release);
  }
  SKALD_LOG(info, "wal writable again; accepting appends", {{"segment", static_cast<int64_t>(file_seq_)}});
}

}  // namespace skald::wal
