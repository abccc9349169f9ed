// RemoteWriter: recording-rule results → Prometheus remote-write 0.1.0 (protobuf WriteRequest,
// snappy block-compressed) to each ruler.remote_write client, queued and retried.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/labels.h"
#include "common/metrics.h"
#include "store/ruler/payload_sender.h"
#include "store/ruler/rule_file.h"

namespace skald::ruler {

struct RecordedSample {
  LabelSet labels;  // includes __name__
  double value = 0;
  int64_t t_ms = 0;
};

// Snappy-compressed WriteRequest bytes; external labels added to series lacking them.
std::string EncodeRemoteWrite(const std::vector<RecordedSample>& samples, const StringPairs& external_labels);

struct RemoteWriterOptions {
  std::vector<std::string> urls;
  int64_t timeout_ns = 30LL * 1000000000LL;  // Prometheus remote_timeout default
  size_t capacity = 10000;                   // queued requests per client
  bool add_org_id_header = true;             // X-Scope-OrgID: <tenant>
  StringPairs headers;
};

// Thread-safe; Write never blocks on the network.
class RemoteWriter {
 public:
  RemoteWriter(RemoteWriterOptions opts, metrics::Registry* registry);
  void Start();
  void Stop();
  void Write(const std::string& tenant, const std::vector<RecordedSample>& samples,
             const StringPairs& external_labels);
  bool enabled() const { return !senders_.empty(); }

 private:
  RemoteWriterOptions opts_;
  std::vector<std::unique_ptr<PayloadSender>> senders_;
  metrics::Counter* samples_ = nullptr;
};

}  // namespace skald::ruler
