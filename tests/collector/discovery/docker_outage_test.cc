// docker_sd without a daemon and across a dockerd restart, against a fake Docker Engine API on a real
// loopback port: one warn per outage, growing retry waits, and discovery resuming (re-listing) when
// the daemon is back.
#include <catch.hpp>

#include <fmt/format.h>
#include <httplib.h>
#include <unistd.h>

#include <atomic>
#include <deque>
#include <mutex>
#include <set>
#include <thread>

#include "collector/discovery/docker_discovery.h"
#include "common/logger.h"

using namespace skald;
using namespace skald::discovery;

namespace {
// The four Engine API calls docker_sd makes; containers use network mode "none" and json-file logs.
class FakeDocker {
 public:
  FakeDocker(int port, std::vector<std::string> ids) : ids_(std::move(ids)) {
    srv_.Get("/networks", [](const httplib::Request&, httplib::Response& res) { res.set_content("[]", "application/json"); });
    srv_.Get("/containers/json", [this](const httplib::Request&, httplib::Response& res) { res.set_content(List(), "application/json"); });
    srv_.Get(R"(/containers/([a-z0-9]+)/json)", [](const httplib::Request& r, httplib::Response& res) {
      const std::string id = r.matches[1];
      res.set_content(fmt::format(R"({{"Id":"{0}","LogPath":"/var/lib/docker/containers/{0}/{0}-json.log"}})", id), "application/json");
    });
    srv_.Get("/events", [this](const httplib::Request&, httplib::Response& res) {
      ++event_streams_;
      res.set_chunked_content_provider("application/json", [this](size_t, httplib::DataSink& sink) {
        std::string out;
        {
          std::lock_guard<std::mutex> l(mu_);
          for (const auto& e : pending_) out += e;
          pending_.clear();
        }
        if (!out.empty()) sink.write(out.data(), out.size());
        ::usleep(10000);
        return !closing_.load();
      });
    });
    port_ = port == 0 ? srv_.bind_to_any_port("127.0.0.1") : (srv_.bind_to_port("127.0.0.1", port) ? port : -1);
    th_ = std::thread([this] { srv_.listen_after_bind(); });
    // A stop() before the listen loop runs would be lost: return once it is listening.
    for (int i = 0; port_ > 0 && i < 2000 && !srv_.is_running(); ++i) ::usleep(1000);
  }
  ~FakeDocker() { Close(); }
  void Close() {  // dockerd goes away: streams end, the port closes
    if (!th_.joinable()) return;
    closing_ = true;
    srv_.stop();
    th_.join();
  }
  void Start(const std::string& id) {
    std::lock_guard<std::mutex> l(mu_);
    ids_.push_back(id);
    pending_.push_back(fmt::format(R"({{"Type":"container","Action":"start","Actor":{{"ID":"{}"}}}})", id) + "\n");
  }
  int port() const { return port_; }
  int event_streams() const { return event_streams_; }

 private:
  std::string List() {
    std::lock_guard<std::mutex> l(mu_);
    std::string out = "[";
    for (const auto& id : ids_) {
      if (out.size() > 1) out += ',';
      out += fmt::format(R"({{"Id":"{0}","Names":["/{0}"],"Labels":{{}},"HostConfig":{{"NetworkMode":"none"}},)"
                         R"("NetworkSettings":{{"Networks":{{}}}}}})", id);
    }
    return out + "]";
  }
  httplib::Server srv_;
  int port_ = 0;
  std::thread th_;
  std::mutex mu_;
  std::vector<std::string> ids_;
  std::deque<std::string> pending_;
  std::atomic<bool> closing_{false};
  std::atomic<int> event_streams_{0};
};

// Captures docker_sd's log lines while alive.
class LogCapture {
 public:
  LogCapture() {
    log::SetSink([this](std::string_view line) {
      if (line.find("component=docker_sd") == std::string_view::npos) return;
      std::lock_guard<std::mutex> l(mu_);
      lines_.emplace_back(line);
    });
  }
  ~LogCapture() { log::SetSink(nullptr); }
  int Count(std::string_view needle) {
    std::lock_guard<std::mutex> l(mu_);
    int n = 0;
    for (const auto& s : lines_) n += s.find(needle) != std::string::npos;
    return n;
  }
  int Total() { std::lock_guard<std::mutex> l(mu_); return static_cast<int>(lines_.size()); }

 private:
  std::mutex mu_;
  std::vector<std::string> lines_;
};

template <typename F> bool WaitFor(F f, int ms) {
  for (int i = 0; i < ms / 5; ++i) { if (f()) return true; ::usleep(5000); }
  return f();
}
}  // namespace

TEST_CASE("docker_sd logs once per outage, backs off, and resumes when dockerd comes back") {
  int port = 0;
  { FakeDocker probe(0, {}); port = probe.port(); }  // a port nothing listens on now
  LogCapture logs;
  metrics::Registry reg;
  DockerSDConfig cfg;
  cfg.host = fmt::format("tcp://127.0.0.1:{}", port);
  cfg.refresh_interval_ns = 3600LL * 1'000'000'000;  // only a reconnection can explain a re-list
  std::mutex mu;
  std::set<std::string> keys;
  int publishes = 0;
  DockerDiscovery d(cfg, "docker/0/0", [&](const std::string&, std::vector<Target> ts) {
    std::lock_guard<std::mutex> l(mu);
    keys.clear();
    for (const auto& t : ts) keys.insert(t.key);
    ++publishes;
  }, {20'000'000, 200'000'000, &reg});
  auto has = [&](size_t n) { std::lock_guard<std::mutex> l(mu); return keys.size() == n; };
  const auto failures = [&] { return reg.NewCounterVec("prometheus_sd_refresh_failures_total", "", {"mechanism"}).WithLabelValues({"docker"}).Value(); };
  const auto up = [&] { return reg.NewGaugeVec("skald_collector_docker_sd_up", "", {"host"}).WithLabelValues({cfg.host}).Value(); };
  d.Start();

  ::usleep(1'500'000);  // no daemon: waits 20-40, 40-80, ... up to 150-200 ms
  CHECK(logs.Count("level=warn") == 1);
  CHECK(logs.Total() == 1);
  CHECK(failures() >= 4);
  CHECK(failures() <= 16);  // a fixed 20 ms retry would have failed ~75 times
  CHECK(up() == 0);
  {
    std::lock_guard<std::mutex> l(mu);
    CHECK(publishes == 0);  // nothing published while down (targets kept as they were)
  }

  auto docker = std::make_unique<FakeDocker>(port, std::vector<std::string>{"aaa"});
  REQUIRE(docker->port() == port);
  REQUIRE(WaitFor([&] { return has(1); }, 3000));
  REQUIRE(WaitFor([&] { return logs.Count("reconnected") == 1; }, 3000));
  CHECK(up() == 1);

  docker.reset();  // dockerd restarts; a container starts while it is away
  REQUIRE(WaitFor([&] { return logs.Count("level=warn") == 2; }, 3000));
  ::usleep(300'000);
  CHECK(logs.Count("level=warn") == 2);
  docker = std::make_unique<FakeDocker>(port, std::vector<std::string>{"aaa", "bbb"});
  REQUIRE(WaitFor([&] { return has(2); }, 3000));  // re-listed on reconnection, not after 1h
  REQUIRE(WaitFor([&] { return logs.Count("reconnected") == 2; }, 3000));
  REQUIRE(WaitFor([&] { return docker->event_streams() >= 1; }, 3000));
  docker->Start("ccc");  // and the events stream works again
  REQUIRE(WaitFor([&] { return has(3); }, 3000));
  d.Stop();
  CHECK(logs.Total() == 4);
}
