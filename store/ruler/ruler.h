// Ruler: Loki's ruler inside skald-store: loads per-tenant rule files from the local rules
// directory (re-scanned every poll interval), evaluates each group at its interval on one thread,
// and feeds the Notifier (Alertmanager) and RemoteWriter (recording rules).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/metrics.h"
#include "common/status.h"
#include "store/ruler/notifier.h"
#include "store/ruler/remote_writer.h"
#include "store/ruler/rule_group.h"
#include "store/ruler/rule_store.h"
#include "store/ruler/ruler_metrics.h"

namespace skald {
struct RulerConfig;
}

namespace skald::ruler {

struct RulerOptions {
  std::string rules_dir;                       // ruler.storage.local.directory
  int64_t evaluation_interval_ns = 60LL * 1000000000LL;
  int64_t poll_interval_ns = 60LL * 1000000000LL;
  int64_t resend_delay_ns = 60LL * 1000000000LL;
  StringPairs external_labels;
  std::string external_url;
  NotifierOptions notifier;
  RemoteWriterOptions remote_write;            // urls empty = disabled
};

// Loki's ruler keys → options (alertmanager_url split on commas; remote write only when enabled).
RulerOptions RulerOptionsFromConfig(const RulerConfig& cfg);

// Thread-safe. Start/Stop from one thread; the accessors from any.
class Ruler {
 public:
  Ruler(RulerOptions opts, QueryFn query, metrics::Registry* registry);
  ~Ruler();  // Stop()s

  // Loads the rules (bad files/rules are logged and skipped) and starts the threads.
  Status Start();
  void Stop();
  // Rescans the directory now and wakes the evaluation thread (after API edits).
  void ReloadNow();

  // Loaded groups of a tenant ("" = all tenants), by namespace then group name.
  std::vector<std::shared_ptr<RuleGroup>> Groups(const std::string& tenant) const;
  // Messages of the last scan: unreadable files and rejected groups/rules.
  std::vector<std::string> LoadErrors() const;
  RuleStore& store() { return store_; }
  std::mutex& edit_mutex() { return edit_mu_; }  // serializes API edits of rule files
  const RulerOptions& options() const { return opts_; }

 private:
  void Reload(int64_t now_ns);
  void Run();
  void EvalDue(int64_t now_ns);

  RulerOptions opts_;
  QueryFn query_;
  RulerMetrics metrics_;
  RuleStore store_;
  Notifier notifier_;
  RemoteWriter writer_;
  std::mutex edit_mu_;
  std::mutex reload_mu_;  // one directory scan at a time (poll vs API edits)
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::shared_ptr<RuleGroup>> groups_;  // guarded by mu_
  std::vector<std::string> load_errors_;            // guarded by mu_
  std::string signature_;                           // last scanned files; guarded by mu_
  bool stop_ = false, reload_ = false;              // guarded by mu_
  bool started_ = false;
  std::thread thread_;
};

}  // namespace skald::ruler
