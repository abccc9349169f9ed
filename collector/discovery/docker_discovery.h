// DockerDiscovery: one docker_sd_configs entry. Lists running containers every refresh_interval and
// follows `/events` (start/die/destroy) on its own thread so changes land within a second; rides out
// a missing socket or a restarting dockerd with jittered backoff and one log line per outage.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "collector/collector_config.h"
#include "collector/discovery/docker_api.h"
#include "collector/discovery/target.h"
#include "common/backoff.h"
#include "common/metrics.h"

namespace skald::discovery {

// Receives the complete current target set of one discovery source after every change.
using TargetsFn = std::function<void(const std::string& source, std::vector<Target> targets)>;

struct DockerDiscoveryOptions {
  // Reconnect/refresh waits while the daemon is unreachable: 1 s lets a restarting dockerd be seen
  // within a couple of seconds; 30 s bounds how long a returning daemon goes unnoticed (half the
  // default refresh_interval) while a missing socket costs one failed connect per half minute.
  int64_t retry_min_ns = 1'000'000'000LL;
  int64_t retry_max_ns = 30'000'000'000LL;
  metrics::Registry* registry = nullptr;  // null: metrics::Registry::Default()
};

// Metrics: prometheus_sd_refresh_failures_total{mechanism="docker"} (Promtail's name, from
// Prometheus' discovery) and skald_collector_docker_sd_up{host} (0 during an outage).
class DockerDiscovery {
 public:
  DockerDiscovery(DockerSDConfig cfg, std::string source, TargetsFn fn, DockerDiscoveryOptions opts = {});
  ~DockerDiscovery();
  void Start();
  void Stop();

  // Query string `filters=...` for the configured filters plus `extra` (name -> values).
  std::string FiltersQuery(const std::vector<std::pair<std::string, std::vector<std::string>>>& extra) const;

 private:
  void RefreshLoop();
  void EventsLoop();
  Status FullRefresh(DockerApi& api);
  Status AddContainer(DockerApi& api, const std::string& id);
  Status FillPath(DockerApi& api, Target* t);
  void Publish();
  // Waits `ns` or until Stop(); false when stopping. Takes the lock `l` holds.
  bool WaitUnlessStopped(std::unique_lock<std::mutex>& l, int64_t ns);
  // One channel's (refresh or events) health; logs at warn when the first channel goes down and
  // at info when the last comes back: one pair of lines per outage, however long it lasts.
  void SetDown(bool* channel, bool down, const Status& st);

  DockerSDConfig cfg_;
  std::string source_;
  TargetsFn fn_;
  DockerDiscoveryOptions opts_;
  metrics::Counter* refresh_failures_;
  metrics::Gauge* up_;
  std::mutex health_mu_;
  bool refresh_down_ = false, events_down_ = false;  // guarded by health_mu_
  bool refresh_now_ = false;                          // guarded by mu_: events reconnected
  std::map<std::string, Target> targets_;            // container id -> target (refresh thread only)
  std::map<std::string, std::string> paths_;         // container id -> LogPath cache
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<std::string, std::string>> events_;  // (action, id)
  bool stop_ = false;
  std::unique_ptr<DockerApi> events_api_;
  std::thread refresh_, events_thread_;
};

}  // namespace skald::discovery
