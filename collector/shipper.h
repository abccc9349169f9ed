// Shipper: the collector's data path without its HTTP server. Owns discovery (docker_sd, static
// files), one tail loop over every target, the push clients and the positions file.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "collector/client/client.h"
#include "collector/collector_config.h"
#include "collector/discovery/docker_discovery.h"
#include "collector/discovery/target.h"
#include "collector/tail/change_waiter.h"
#include "collector/tail/line_limits.h"
#include "collector/tail/positions.h"
#include "common/label_edits.h"
#include "common/log_entry.h"
#include "common/metrics.h"
#include "common/status.h"

namespace skald::http { class Router; }

namespace skald {

// One entry on its way downstream: views valid only during the emit call (the clients copy).
struct EmittedEntry {
  int64_t ts_ns = 0;
  std::string_view line;
  const std::vector<Label>* metadata = nullptr;  // structured metadata; null: none
  EmittedEntry(int64_t ts, std::string_view l, const std::vector<Label>* md) : ts_ns(ts), line(l), metadata(md) {}
  EmittedEntry(const LogEntry& e) : ts_ns(e.ts_ns), line(e.line), metadata(&e.metadata) {}  // NOLINT: implicit
};

// Emits one entry downstream (towards the clients) with its labels: normally the stream's labels
// handed to Process (as the base) plus the edits stages made. The Shipper drops reserved `__`
// labels other than __tenant_id__ before the clients see them.
using EmitFn = std::function<void(const EditedLabels& labels, const EmittedEntry& entry)>;

// One target's own stage chain (Promtail runs one pipeline per target, so stateful stages such as
// multiline or limit by_label never mix lines of different files/containers). Tail thread only.
class TargetProcessor {
 public:
  virtual ~TargetProcessor() = default;
  // Runs one line with its stream's final labels; calls `emit` zero or more times (the emitted
  // entry is only valid during the call).
  virtual void Process(const std::shared_ptr<const LabelSet>& labels, int64_t ts_ns,
                       std::string_view line, const EmitFn& emit) = 0;
  // Releases entries held past their deadline (multiline max_wait_time) at steady-clock
  // `now_ns`; `force` releases everything (target removed, shutdown).
  virtual void Tick(int64_t steady_now_ns, bool force, const EmitFn& emit) = 0;
};

// The seam between tail and client, built once per scrape config (pipeline module plugs in here).
struct ScrapeHooks {
  // Target labels (meta labels included; docker adds __meta_docker_container_log_stream) -> final
  // labels in place. Returns false to drop the target/stream. Null: drop "__"-prefixed labels.
  std::function<bool(LabelSet& labels)> relabel;
  // Builds a fresh processor for one target (called once per tailed file). Takes precedence.
  std::function<std::unique_ptr<TargetProcessor>()> new_processor;
  // A stateless per-entry hook shared by all targets: calls `emit` zero or more times.
  // Used when new_processor is null. Both null: pass entries through unchanged.
  std::function<void(LabelSet& labels, LogEntry& entry, const EmitFn& emit)> process;
};
using HooksFactory = std::function<Result<ScrapeHooks>(const ScrapeConfig&)>;

struct ShipperOptions {
  bool force_poll = false;              // use the polling ChangeWaiter even when inotify works
  int64_t removed_grace_ns = 2'000'000'000LL;  // keep reading a vanished target this long
  int64_t client_drain_ns = 5'000'000'000LL;   // Stop(): how long clients may keep sending
  metrics::Registry* registry = nullptr;       // null: metrics::Registry::Default()
};

class Shipper {
 public:
  Shipper(CollectorConfig cfg, HooksFactory hooks = {}, ShipperOptions opts = {});
  ~Shipper();
  Shipper(const Shipper&) = delete;
  Shipper& operator=(const Shipper&) = delete;

  Status Start();
  void Stop();

  // JSON array of targets: key, path, discovered and final labels, position, size, state.
  std::string TargetsJson() const;
  size_t active_files() const;
  const client::Client& client(size_t i) const { return *clients_[i]; }

 private:
  struct File;
  void OnTargets(size_t scrape, const std::string& source, std::vector<discovery::Target> targets);
  void TailLoop();
  void ApplyTargetUpdates(int64_t now);
  bool PumpFile(File& f, int64_t now);
  void HandleLine(File& f, std::string_view line, size_t readable, int64_t end_offset);
  // One message (a line, or a decoded docker message) through the limits and hooks to the clients.
  void ShipMessage(File& f, int stream, std::string_view msg, int64_t ts, int64_t end_offset);
  // The target ended: ships the docker lines still waiting for a newline. True when any was shipped.
  bool FlushPending(File& f);
  // The line through the target's processor / process hook (or as is) to Deliver.
  void RunHooks(File& f, int stream, std::string_view msg, int64_t ts, int64_t end_offset);
  // Runs every target's processor Tick (multiline max_wait_time); force: release everything.
  void TickProcessors(int64_t now, bool force);
  void TickFile(File& f, int64_t now, bool force);
  // Hands one entry to every client; `labels` null means the stream's own (relabeled) labels.
  void Deliver(File& f, int stream, const EditedLabels* labels, std::string_view line, int64_t ts,
               int64_t end_offset, const std::vector<Label>* metadata = nullptr);
  // The clients' stream keys for labels a processor emitted (cached per target).
  class ClientKeys;
  const ClientKeys& KeysFor(File& f, int stream, const EditedLabels& labels);
  void OpenFile(File& f, int64_t now);
  void CommitPositions();
  bool ClientsHaveCapacity() const;
  void RescanStatic();

  CollectorConfig cfg_;
  HooksFactory hooks_factory_;
  ShipperOptions opts_;
  std::vector<ScrapeHooks> hooks_;
  std::vector<bool> docker_stage_;  // per scrape config: leading `docker: {}` stage handled here
  std::unique_ptr<tail::Positions> positions_;
  std::vector<std::unique_ptr<client::Client>> clients_;
  std::vector<std::unique_ptr<discovery::DockerDiscovery>> docker_;
  std::unique_ptr<tail::ChangeWaiter> waiter_;
  tail::LineLimits limits_;

  mutable std::mutex files_mu_;  // guards files_ structure (tail thread mutates, HTTP reads)
  std::map<std::string, std::unique_ptr<File>> files_;

  std::mutex updates_mu_;  // discovery -> tail loop
  std::map<std::string, std::pair<size_t, std::vector<discovery::Target>>> desired_;  // by source
  bool updates_pending_ = false;

  metrics::Registry* registry_;
  metrics::GaugeVec *read_bytes_, *file_bytes_;
  metrics::CounterVec *read_lines_, *limited_lines_;
  metrics::Gauge *files_active_, *targets_active_;
  metrics::Counter* final_partials_;

  std::string packed_edits_;  // KeysFor's scratch (tail thread)
  std::atomic<bool> stop_{false};
  std::thread tail_thread_;
  int64_t last_commit_ns_ = 0, last_rescan_ns_ = 0, last_tick_ns_ = 0;
};

// Registers GET /targets (JSON from Shipper::TargetsJson) on `server`.
void RegisterTargetsHandler(http::Router& server, const Shipper& shipper);

}  // namespace skald
