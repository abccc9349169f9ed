// PayloadSender: a bounded queue of encoded request bodies POSTed in order by one background
// thread to one URL, with exponential backoff on failures; Enqueue never blocks evaluation.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/metrics.h"

namespace skald::ruler {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct SenderOptions {
  std::string url;                 // e.g. http://localhost:9093
  std::string path_suffix;         // appended to the URL's path, e.g. /api/v2/alerts
  std::string content_type;
  Headers headers;                 // sent with every request
  int64_t timeout_ns = 10LL * 1000000000LL;
  size_t capacity = 1000;          // queued payloads; the oldest is dropped beyond it
  int64_t min_backoff_ns = 30LL * 1000000;
  int64_t max_backoff_ns = 5LL * 1000000000LL;
  std::string metric_prefix;       // skald_ruler_notifications | skald_ruler_remote_write
};

// Thread-safe. Retries transport errors, 5xx and 429 until Stop(); drops a payload on other 4xx.
class PayloadSender {
 public:
  PayloadSender(SenderOptions opts, metrics::Registry* registry);
  ~PayloadSender();  // Stop()s
  void Start();
  // Stops after the request in flight; queued payloads are discarded.
  void Stop();
  void Enqueue(std::string payload, Headers extra_headers = {});
  size_t queued() const;
  const std::string& url() const { return opts_.url; }

 private:
  struct Item {
    std::string body;
    Headers headers;
    uint64_t seq = 0;
  };
  void Run();
  bool SendOnce(const Item& item);  // true when done with the item (sent or permanently rejected)

  SenderOptions opts_;
  metrics::Counter *sent_, *failed_, *dropped_;
  metrics::Gauge* queue_len_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;  // guarded by mu_
  bool stop_ = false;       // guarded by mu_
  uint64_t next_seq_ = 0;   // guarded by mu_
  std::thread thread_;
};

}  // namespace skald::ruler
