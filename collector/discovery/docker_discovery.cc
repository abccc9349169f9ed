// DockerDiscovery threads: periodic full list + inspect, and the events stream feeding quick updates.
#include "collector/discovery/docker_discovery.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include <simdjson.h>

#include "collector/discovery/docker_targets.h"
#include "common/logger.h"

namespace skald::discovery {

DockerDiscovery::DockerDiscovery(DockerSDConfig cfg, std::string source, TargetsFn fn, DockerDiscoveryOptions opts)
    : cfg_(std::move(cfg)), source_(std::move(source)), fn_(std::move(fn)), opts_(opts) {
  metrics::Registry& r = opts_.registry ? *opts_.registry : metrics::Registry::Default();
  refresh_failures_ = &r.NewCounterVec("prometheus_sd_refresh_failures_total",
                                       "Number of refresh failures for the given SD mechanism.", {"mechanism"})
                           .WithLabelValues({"docker"});
  up_ = &r.NewGaugeVec("skald_collector_docker_sd_up",
                       "1 while docker_sd reaches the Docker daemon, 0 during an outage.", {"host"})
             .WithLabelValues({cfg_.host});
  up_->Set(1);
}

DockerDiscovery::~DockerDiscovery() { Stop(); }

void DockerDiscovery::Start() {
  events_api_ = std::make_unique<DockerApi>(cfg_.host, cfg_.tls);
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

void DockerDiscovery::SetDown(bool* channel, bool down, const Status& st) {
  std::lock_guard<std::mutex> l(health_mu_);
  const bool was = refresh_down_ || events_down_;
  *channel = down;
  const bool now = refresh_down_ || events_down_;
  up_->Set(now ? 0 : 1);
  if (!was && now) {
    SKALD_LOG(warn, "docker_sd cannot reach the Docker daemon, retrying with backoff (logged once until it is back)",
              {{"component", "docker_sd"}, {"host", cfg_.host}, {"error", st.message()}});
  } else if (was && !now) {
    SKALD_LOG(info, "docker_sd reconnected to the Docker daemon", {{"component", "docker_sd"}, {"host", cfg_.host}});
  }
}

bool DockerDiscovery::WaitUnlessStopped(std::unique_lock<std::mutex>& l, int64_t ns) {
  cv_.wait_for(l, std::chrono::nanoseconds(ns), [this] { return stop_; });
  return !stop_;
}

void DockerDiscovery::RefreshLoop() {
  DockerApi api(cfg_.host, cfg_.tls);
  Backoff backoff(opts_.retry_min_ns, opts_.retry_max_ns);
  auto next_full = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> l(mu_);
  while (!stop_) {
    if (refresh_now_ || std::chrono::steady_clock::now() >= next_full) {
      refresh_now_ = false;
      l.unlock();
      Status st = FullRefresh(api);
      int64_t wait = cfg_.refresh_interval_ns;
      if (!st.ok()) {
        refresh_failures_->Inc();
        wait = std::min(backoff.Next(), wait);  // retry sooner than refresh_interval, never later
      } else {
        backoff.Reset();
        Publish();
      }
      SetDown(&refresh_down_, !st.ok(), st);
      next_full = std::chrono::steady_clock::now() + std::chrono::nanoseconds(wait);
      l.lock();
      continue;
    }
    if (events_.empty()) {
      cv_.wait_until(l, next_full, [this] { return stop_ || refresh_now_ || !events_.empty(); });
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
  Backoff backoff(opts_.retry_min_ns, opts_.retry_max_ns);
  bool ever_opened = false;
  auto on_line = [&](std::string_view line) {
    simdjson::dom::element e;
    if (parser.parse(line.data(), line.size()).get(e) != simdjson::SUCCESS) return;
    std::string_view action, id;
    if (e["Action"].get(action) != simdjson::SUCCESS || e["Actor"]["ID"].get(id) != simdjson::SUCCESS) return;
    {
      std::lock_guard<std::mutex> l(mu_);
      events_.emplace_back(std::string(action), std::string(id));
    }
    cv_.notify_all();
  };
  auto on_open = [&] {
    backoff.Reset();
    SetDown(&events_down_, false, Status::Ok());
    if (!ever_opened) { ever_opened = true; return; }
    {
      std::lock_guard<std::mutex> l(mu_);
      refresh_now_ = true;  // events were missed while disconnected: list everything again
    }
    cv_.notify_all();
  };
  while (true) {
    Status st = events_api_->Stream(q, on_line, on_open);
    std::unique_lock<std::mutex> l(mu_);
    if (stop_) return;
    l.unlock();
    SetDown(&events_down_, true, st);
    l.lock();
    if (!WaitUnlessStopped(l, backoff.Next())) return;
  }
}

}  // namespace skald::discovery
