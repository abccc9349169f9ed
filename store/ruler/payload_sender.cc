// PayloadSender: FIFO delivery with backoff doubling from min to max between failed attempts, a
// drop-oldest bound, and sent/failed/dropped/queue metrics labelled by URL.
#include "store/ruler/payload_sender.h"

#include <algorithm>
#include <chrono>

#include "common/logger.h"
#include "store/ruler/http_post.h"

namespace skald::ruler {

PayloadSender::PayloadSender(SenderOptions opts, metrics::Registry* r) : opts_(std::move(opts)) {
  const std::string& p = opts_.metric_prefix;
  sent_ = &r->NewCounterVec(p + "_sent_total", "Requests delivered.", {"url"}).WithLabelValues({opts_.url});
  failed_ = &r->NewCounterVec(p + "_errors_total", "Failed delivery attempts (retried).", {"url"})
                 .WithLabelValues({opts_.url});
  dropped_ = &r->NewCounterVec(p + "_dropped_total",
                               "Requests dropped: queue full or rejected with a 4xx.", {"url"})
                  .WithLabelValues({opts_.url});
  queue_len_ = &r->NewGaugeVec(p + "_queue_length", "Requests waiting to be sent.", {"url"})
                    .WithLabelValues({opts_.url});
}

PayloadSender::~PayloadSender() { Stop(); }

void PayloadSender::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Run(); });
}

void PayloadSender::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PayloadSender::Enqueue(std::string payload, Headers extra_headers) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (queue_.size() >= opts_.capacity) {
      queue_.pop_front();
      dropped_->Inc();
      SKALD_LOG(warn, "ruler send queue full, dropping the oldest request", {{"url", opts_.url}});
    }
    queue_.push_back({std::move(payload), std::move(extra_headers), ++next_seq_});
    queue_len_->Set(double(queue_.size()));
  }
  cv_.notify_all();
}

size_t PayloadSender::queued() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

bool PayloadSender::SendOnce(const Item& item) {
  Headers h = opts_.headers;
  h.insert(h.end(), item.headers.begin(), item.headers.end());
  auto r = HttpPost(opts_.url, opts_.path_suffix, item.body, opts_.content_type, h, opts_.timeout_ns);
  if (r.ok() && r->status / 100 == 2) {
    sent_->Inc();
    return true;
  }
  failed_->Inc();
  std::string why = !r.ok() ? r.status().message()
                            : r->status == 0 ? r->body : std::to_string(r->status) + " " + r->body;
  if (r.ok() && r->status / 100 == 4 && r->status != 429) {
    dropped_->Inc();
    SKALD_LOG(error, "ruler request rejected, dropping it", {{"url", opts_.url}, {"err", why}});
    return true;
  }
  SKALD_LOG(warn, "ruler request failed, will retry", {{"url", opts_.url}, {"err", why}});
  return false;
}

void PayloadSender::Run() {
  int64_t backoff = opts_.min_backoff_ns;
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (stop_) break;
    Item item = queue_.front();
    lock.unlock();
    bool done = SendOnce(item);
    lock.lock();
    if (done) {
      if (!queue_.empty() && queue_.front().seq == item.seq) queue_.pop_front();
      queue_len_->Set(double(queue_.size()));
      backoff = opts_.min_backoff_ns;
      continue;
    }
    cv_.wait_for(lock, std::chrono::nanoseconds(backoff), [this] { return stop_; });
    backoff = std::min(backoff * 2, opts_.max_backoff_ns);
  }
}

}  // namespace skald::ruler
