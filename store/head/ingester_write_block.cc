// When the Ingester refuses pushes: the WAL is failed, the last chunk flush failed, or free space
// is under the floor. Pushes check cached state; the flush loop and /ready refresh it.
#include "store/head/ingester.h"

#include "store/head/ingester_metrics.h"

namespace skald::head {

void Ingester::RefreshWriteBlock() {
  if (wal_ != nullptr) {
    if (!wal_->blocked()) {
      block_.Clear(WriteBlock::kWal);
    } else if (Status f = wal_->failure(); !f.ok() || !block_.has(WriteBlock::kWal)) {
      block_.Set(WriteBlock::kWal, f.ok() ? "wal is not writable" : f.message());
    }
  }
  if (space_ != nullptr) {
    space_->Note(0);   // re-reads statvfs at most once a second
    if (space_->low()) block_.Set(WriteBlock::kDiskSpace, space_->Reason());
    else block_.Clear(WriteBlock::kDiskSpace);
  }
}

// The push path's gate: two atomic loads when all is well.
Status Ingester::CheckWritable() {
  bool space_low = space_ != nullptr && space_->low();
  bool wal_blocked = wal_ != nullptr && wal_->blocked();
  if (!space_low && !wal_blocked && !block_.any()) return Status::Ok();
  RefreshWriteBlock();
  if (!block_.any()) return Status::Ok();
  const char* reason = block_.has(WriteBlock::kWal) ? "wal"
                       : block_.has(WriteBlock::kDiskSpace) ? "disk_space" : "flush";
  IngesterMetrics::Get().pushes_refused.WithLabelValues({reason}).Inc();
  return Status::Unavailable("the store is not accepting writes, retry later: " + block_.Message());
}

std::string Ingester::WriteBlockedReason() {
  RefreshWriteBlock();
  return block_.Message();
}

// After a flush pass over `streams`: a failure blocks pushes and marks the streams for retry on
// the next pass; the block ends when no stream is left to retry.
void Ingester::NoteFlushResult(const std::vector<Stream*>& streams, const Status& st) {
  bool clear;
  {
    std::lock_guard<std::mutex> lk(mu_);
    for (Stream* s : streams) {
      if (st.ok()) flush_retry_.erase(s->id);
      else flush_retry_.insert(s->id);
    }
    clear = flush_retry_.empty();
  }
  if (!st.ok()) block_.Set(WriteBlock::kFlush, "chunk flush failed: " + st.message());
  else if (clear) block_.Clear(WriteBlock::kFlush);
}

}  // namespace skald::head
