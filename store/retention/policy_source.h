// PolicySource: the current RetentionPolicy (periods and deletion modes), built from limits_config,
// the rules file and the runtime_config.file overrides, and rebuilt when the runtime file changes
// (polled, no restart).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "store/retention/retention_policy.h"
#include "store/store_config.h"

namespace skald::retention {

class PolicySource {
 public:
  // Loads everything once; a bad file fails here with file:line (start-up fails fast).
  static Result<std::unique_ptr<PolicySource>> Open(const StoreConfig& cfg);
  ~PolicySource();  // Stop()s

  // The policy in force; cheap, thread-safe; callers keep the snapshot for one operation.
  std::shared_ptr<const RetentionPolicy> Get() const;
  // Re-reads the runtime file if its content changed. A bad file keeps the previous policy and
  // returns the error (logged and counted by the poller).
  Status Reload();
  // Polls every `period_ns` (runtime_config.period) on a background thread; no-op without a file.
  void Start(int64_t period_ns);
  void Stop();
  uint64_t reloads() const;

 private:
  PolicySource() = default;
  Status Build(const std::string& runtime_text);

  LimitsConfig limits_;
  std::string runtime_file_;
  std::vector<StreamRule> global_rules_, file_rules_;
  DeletionMode deletion_mode_ = DeletionMode::kFilterAndDelete;   // limits_config.deletion_mode
  mutable std::mutex mu_;
  std::shared_ptr<const RetentionPolicy> policy_;
  std::string last_text_;
  uint64_t reloads_ = 0;
  std::mutex loop_mu_;
  std::condition_variable loop_cv_;
  bool stop_ = false;
  std::thread loop_;
};

}  // namespace skald::retention
