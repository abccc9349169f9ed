// Notifier: alerts → Alertmanager's v2 API (POST <url>/api/v2/alerts, a JSON array of labels,
// annotations, startsAt, endsAt, generatorURL), one retrying PayloadSender per Alertmanager URL.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/metrics.h"
#include "store/ruler/alerting_rule.h"
#include "store/ruler/payload_sender.h"

namespace skald::ruler {

// The JSON body for a batch; external labels are added to alerts lacking them; endsAt is the
// resolve time for resolved alerts, else valid_until.
std::string EncodeAlerts(const std::vector<Alert>& alerts, const StringPairs& external_labels,
                         const std::string& generator_url);

// Go's strconv.Quote-compatible JSON string (quotes, backslash, control characters escaped).
std::string JsonQuote(std::string_view s);

struct NotifierOptions {
  std::vector<std::string> urls;  // ruler.alertmanager_url, comma-separated in the config
  int64_t timeout_ns = 10LL * 1000000000LL;
  size_t capacity = 10000;        // queued batches per Alertmanager
};

// Thread-safe; Send never blocks on the network.
class Notifier {
 public:
  Notifier(NotifierOptions opts, metrics::Registry* registry);
  void Start();
  void Stop();
  void Send(const std::vector<Alert>& alerts, const StringPairs& external_labels,
            const std::string& generator_url);
  bool enabled() const { return !senders_.empty(); }

 private:
  std::vector<std::unique_ptr<PayloadSender>> senders_;
  metrics::Counter* alerts_sent_ = nullptr;
};

}  // namespace skald::ruler
