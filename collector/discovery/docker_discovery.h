// DockerDiscovery: one docker_sd_configs entry. Lists running containers every refresh_interval and
// follows `/events` (start/die/destroy) on its own thread so changes land within a second.
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

namespace skald::discovery {

// Receives the complete current target set of one discovery source after every change.
using TargetsFn = std::function<void(const std::string& source, std::vector<Target> targets)>;

class DockerDiscovery {
 public:
  DockerDiscovery(DockerSDConfig cfg, std::string source, TargetsFn fn);
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

  DockerSDConfig cfg_;
  std::string source_;
  TargetsFn fn_;
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
