// Client: one `clients:` entry. Batches entries per tenant (batchwait/batchsize), pushes protobuf +
// snappy bodies with jittered retries, acknowledges delivered (or 4xx-dropped) lines to AckCursors.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "collector/client/client_metrics.h"
#include "collector/client/curl_transport.h"
#include "collector/client/push_encoder.h"
#include "collector/collector_config.h"
#include "collector/tail/ack_cursor.h"
#include "common/backoff.h"
#include "common/labels.h"
#include "common/status.h"

namespace skald::client {

inline constexpr const char* kUserAgent = "skald-collector/0.1.0";

// Which stream of which open batch a key's entries went to last (touched only under the client's
// lock): a key pushed again into the same batch skips the batch's label lookup.
struct StreamSlot {
  uint64_t batch_id = 0;  // 0: none yet (batch ids start at 1)
  uint32_t stream = 0;
};

// Where an entry goes: tenant plus final label text (external labels merged, __tenant_id__ removed)
// and that text's hash, computed once here instead of on every pushed line. A key is immutable
// once pushed (make a new one with KeyFor for other labels); `slot` is the client's memo.
struct StreamKey {
  std::string tenant;
  std::shared_ptr<const std::string> labels;  // shared with the batches it is pushed to
  uint64_t hash = 0;
  mutable StreamSlot slot;
};

// Thread-safe: Push/HasCapacity from the tail thread, sending on the client's own thread.
class Client {
 public:
  // `index` identifies this client in AckCursor::Ack. registry: null = metrics::Registry::Default().
  Client(ClientConfig cfg, int index, metrics::Registry* registry = nullptr);
  ~Client();

  Status Start();
  // Flushes what is batched and tries to deliver it until `drain_ns` passes; unsent lines stay
  // unacknowledged (re-read after restart).
  void Stop(int64_t drain_ns = 5'000'000'000LL);

  StreamKey KeyFor(const LabelSet& labels) const;
  // `metadata`: the entry's structured metadata (null or empty = none).
  void Push(const StreamKey& key, int64_t ts_ns, std::string_view line, const tail::AckRef& ack,
            const std::vector<Label>* metadata = nullptr);
  // False while batched + queued bytes exceed the in-flight budget (3 × batchsize): the caller
  // should stop reading, leaving the data in the source files.
  bool HasCapacity() const { return inflight_bytes_.load(std::memory_order_relaxed) < budget_; }
  // Called (from the sender thread) whenever a batch finished, so a stalled reader can resume.
  void SetCapacityListener(std::function<void()> fn) { on_capacity_ = std::move(fn); }

  const ClientMetrics& metrics() const { return metrics_; }
  const ClientConfig& config() const { return cfg_; }
  int index() const { return index_; }

 private:
  struct Batch {
    std::string tenant;
    PushBatch enc;
    std::vector<std::pair<std::shared_ptr<tail::AckCursor>, int64_t>> acks;
    size_t bytes = 0, entries = 0;
    int64_t created_ns = 0;
    uint64_t id = 0;  // unique per opened batch (StreamSlot::batch_id)
  };
  // One HTTP attempt: the status code (0 on a network error, with `err`), the answer's body or
  // curl's error in `err`, and any Retry-After header value.
  struct PostResult {
    int code = 0;
    std::string err, retry_after;
  };
  void SenderLoop();
  // Sends until delivered, dropped (a 4xx other than 429) or Stop()'s drain deadline; a 5xx, 429 or
  // network error is retried with jittered backoff for as long as it takes (see docs/OPERATIONS.md).
  void SendBatch(Batch& b);
  void AckBatch(const Batch& b);
  void DropBatch(const Batch& b, const PostResult& r);
  bool Retryable(int code) const;
  // The next jittered backoff, raised to a 429/503's Retry-After (plus jitter), at most max_period.
  int64_t RetryWait(Backoff& backoff, const PostResult& r) const;
  // False when Stop()'s drain deadline passed first.
  bool SleepUnlessStopped(int64_t wait_ns);
  PostResult PostOnce(const std::string& tenant, const std::string& body);
  void CutLocked(const std::string& tenant);
  // password_file / bearer_token_file are re-read per request (rotation), as Promtail does.
  Result<std::string> ReadSecretFile(const std::string& path) const;
  Result<curl_slist*> RequestHeaders(const std::string& tenant) const;
  // True for a `headers` name Promtail skips because it is already set on the request.
  bool HeaderTaken(const std::string& name, const std::string& tenant) const;
  Status ApplyBasicAuth(void* curl) const;

  ClientConfig cfg_;
  int index_;
  int64_t budget_;
  ClientMetrics metrics_;
  std::vector<Label> external_;
  std::function<void()> on_capacity_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_map<std::string, Batch> current_;  // tenant -> open batch
  Batch* last_ = nullptr;  // the open batch Push used last (elements of current_ do not move)
  std::deque<Batch> queue_;
  uint64_t next_batch_id_ = 1;
  std::atomic<int64_t> inflight_bytes_{0};
  bool stopping_ = false;
  std::atomic<int64_t> stop_deadline_ns_{0};
  std::thread sender_;
  void* curl_ = nullptr;
  std::unique_ptr<CurlTransport> transport_;
  std::string body_, compressed_;
};

// Monotonic clock in ns (shared by batching and backoff).
int64_t MonoNowNs();

}  // namespace skald::client
