// DockerDiscovery threads: periodic full list + inspect, and the events stream feeding quick updates.
#include "collector/discovery/docker_discovery.h"

#include <chrono>
#include <cstdio>

#include <simdjson.h>

#include "collector/discovery/docker_targets.h"
#include "common/logger.h"

namespace skald::discovery {

DockerDiscovery::DockerDiscovery(DockerSDConfig cfg, std::string source, TargetsFn fn)
    : cfg_(std::move(cfg)), source_(std::move(source)), fn_(std::move(fn)) {}

DockerDiscovery::~DockerDiscovery() { Stop(); }

void DockerDiscovery::Start() {
  events_api_ = std::make_unique<DockerApi>(cfg_.host);
  events_thread_ = std::thread([this] { EventsLoop(); });
  refresh_ = std::thread([this] { RefreshLoop(); });
}

void DockerDiscovery::Stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (events_api_) events_api_->Cancel();
  if (events_thread_.joinable()) events_thread_.join();
  if (refresh_.joinable()) refresh_.join();
}

std::string DockerDiscovery::FiltersQuery(
    const std::vector<std::pair<std::string, std::vector<std::string>>>& extra) const {
  auto all = cfg_.filters;
  all.insert(all.end(), extra.begin(), extra.end());
  if (all.empty()) return "";
  std::string json = "{";
  for (size_t i = 0; i < all.size(); ++i) {
    if (i > 0) json += ',';
    json += '"';
    json += all[i].first;
    json += "\":[";
    for (size_t j = 0; j < all[i].second.size(); ++j) {
      if (j > 0) json += ',';
      json += '"';
      json += all[i].second[j];
      json += '"';
    }
    json += ']';
  }
  json += '}';
  return "filters=" + DockerApi::Escape(json);
}

Status DockerDiscovery::FillPath(DockerApi& api, Target* t) {
  const std::string id = t->key.substr(7);
  auto it = paths_.find(id);
  if (it == paths_.end()) {
    auto body = api.Get("/containers/" + id + "/json");
    if (!body.ok()) return body.status();
    auto p = ParseLogPath(*body);
    if (!p.ok()) return p.status();
    it = paths_.emplace(id, *p).first;
  }
  t->path = TranslateLogPath(it->second, cfg_.data_root);
  return Status::Ok();
}

Status DockerDiscovery::FullRefresh(DockerApi& api) {
  auto nets_body = api.Get("/networks");
  if (!nets_body.ok()) return nets_body.status();
  auto nets = ParseNetworks(*nets_body);
  if (!nets.ok()) return nets.status();
  std::string q = FiltersQuery({});
  auto list = api.Get("/containers/json" + (q.empty() ? "" : "?" + q));
  if (!list.ok()) return list.status();
  auto targets = ContainersToTargets(*list, *nets, cfg_);
  if (!targets.ok()) return targets.status();
  std::map<std::string, Target> next;
  for (Target& t : *targets) {
    if (FillPath(api, &t).ok()) next[t.key.substr(7)] = std::move(t);
  }
  targets_ = std::move(next);
  for (auto it = paths_.begin(); it != paths_.end();) {
    it = targets_.count(it->first) ? std::next(it) : paths_.erase(it);
  }
  return Status::Ok();
}

Status DockerDiscovery::AddContainer(DockerApi& api, const std::string& id) {
  auto nets_body = api.Get("/networks");
  if (!nets_body.ok()) return nets_body.status();
  auto nets = ParseNetworks(*nets_body);
  if (!nets.ok()) return nets.status();
  auto list = api.Get("/containers/json?all=1&" + FiltersQuery({{"id", {id}}}));
  if (!list.ok()) return list.status();
  auto targets = ContainersToTargets(*list, *nets, cfg_);
  if (!targets.ok()) return targets.status();
  for (Target& t : *targets) {
    if (t.key != "docker/" + id) continue;
    SKALD_RETURN_IF_ERROR(FillPath(api, &t));
    targets_[id] = std::move(t);
  }
  return Status::Ok();
}

void DockerDiscovery::Publish() {
  std::vector<Target> out;
  for (const auto& [_, t] : targets_) out.push_back(t);
  fn_(source_, std::move(out));
}

void DockerDiscovery::RefreshLoop() {
  DockerApi api(cfg_.host);
  auto next_full = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> l(mu_);
  while (!stop_) {
    if (std::chrono::steady_clock::now() >= next_full) {
      l.unlock();
      Status st = FullRefresh(api);
      if (!st.ok()) SKALD_LOG(warn, "docker refresh failed", {{"component", "docker_sd"}, {"host", cfg_.host}, {"error", st.message()}});
      else Publish();
      next_full = std::chrono::steady_clock::now() + std::chrono::nanoseconds(cfg_.refresh_interval_ns);
      l.lock();
      continue;
    }
    if (events_.empty()) {
      cv_.wait_until(l, next_full, [this] { return stop_ || !events_.empty(); });
      continue;
    }
    auto [action, id] = events_.front();
    events_.pop_front();
    l.unlock();
    if (action == "start") {
      Status st = AddContainer(api, id);
      if (!st.ok()) SKALD_LOG(warn, "docker inspect failed", {{"component", "docker_sd"}, {"id", id}, {"error", st.message()}});
    } else {
      targets_.erase(id);
      if (action == "destroy") paths_.erase(id);
    }
    Publish();
    l.lock();
  }
}

void DockerDiscovery::EventsLoop() {
  const std::string q = "/events?filters=" +
      DockerApi::Escape(R"({"type":["container"],"event":["start","die","destroy"]})");
  simdjson::dom::parser parser;
  while (true) {
    Status st = events_api_->Stream(q, [&](std::string_view line) {
      simdjson::dom::element e;
      if (parser.parse(line.data(), line.size()).get(e) != simdjson::SUCCESS) return;
      std::string_view action, id;
      if (e["Action"].get(action) != simdjson::SUCCESS || e["Actor"]["ID"].get(id) != simdjson::SUCCESS) return;
      {
        std::lock_guard<std::mutex> l(mu_);
        events_.emplace_back(std::string(action), std::string(id));
      }
      cv_.notify_all();
    });
    std::unique_lock<std::mutex> l(mu_);
    if (stop_) return;
    SKALD_LOG(warn, "docker events stream ended, reconnecting", {{"component", "docker_sd"}, {"error", st.message()}});
    cv_.wait_for(l, std::chrono::seconds(1), [this] { return stop_; });
    if (stop_) return;
  }
}

}  // namespace skald::discovery
