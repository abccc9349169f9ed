// Positions: the byte offset reached (and acknowledged) in each tailed file, persisted in Promtail's
// positions YAML (`positions: {path: "offset"}`) plus a `skald_file_ids` map of "dev:ino" per path.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "collector/collector_config.h"
#include "collector/tail/file_tailer.h"
#include "common/metrics.h"
#include "common/status.h"

namespace skald::tail {

struct Position {
  int64_t offset = 0;
  FileId id;  // {0,0} when unknown (a file written by Promtail)
  bool operator==(const Position&) const = default;
};

// Thread-safe. Save() writes tmp + fsync + rename + dir fsync, so a crash or a failed write (disk
// full) leaves the old or the new file, never a partial one. A failed sync is retried every
// sync_period, logged once per episode and counted in skald_collector_positions_write_failures_total.
class Positions {
 public:
  // Loads `cfg.filename` if present. A corrupt file is an error unless ignore_invalid_yaml is set
  // (then it starts empty, as Promtail does). registry: null = metrics::Registry::Default().
  static Result<std::unique_ptr<Positions>> Open(const PositionsConfig& cfg, metrics::Registry* registry = nullptr);
  ~Positions();

  std::optional<Position> Get(const std::string& path) const;
  void Put(const std::string& path, Position p);
  void Remove(const std::string& path);
  std::map<std::string, Position> Snapshot() const;

  Status Save();                 // writes when anything changed since the last save
  void StartSync();              // background Save() every sync_period
  void Stop();                   // stops the sync thread and saves once more

 private:
  Positions(PositionsConfig cfg, metrics::Registry* registry);
  Status Load();
  void SaveAndReport();  // Save(), counting a failure and logging the first and the recovery

  PositionsConfig cfg_;
  mutable std::mutex mu_;
  std::map<std::string, Position> pos_;
  bool dirty_ = false;
  std::mutex save_mu_;                // one Save() at a time
  std::mutex sync_mu_;                // the sync thread's stop_ and cv_
  std::condition_variable cv_;
  bool stop_ = false;
  bool failing_ = false;              // the last SaveAndReport failed (sync thread, then Stop)
  metrics::Counter* write_failures_;
  std::thread sync_;
};

// Text form of `positions` (exposed for tests and FORMAT.md examples).
std::string EncodePositions(const std::map<std::string, Position>& pos);
Result<std::map<std::string, Position>> DecodePositions(const std::string& text);

}  // namespace skald::tail
