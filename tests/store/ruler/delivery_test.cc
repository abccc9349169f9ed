// Delivery to a real local HTTP receiver: Alertmanager v2 JSON shape, retry with backoff after
// failures (5xx), drop on 4xx, and the remote-write body (snappy + protobuf) with its headers.
#include <catch.hpp>
#include <httplib.h>
#include <simdjson.h>
#include <snappy.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "remote_write.pb.h"
#include "store/ruler/notifier.h"
#include "store/ruler/remote_writer.h"

using namespace skald;
using namespace skald::ruler;

namespace {

// A local HTTP receiver on an ephemeral port answering `fail_first` requests with 503.
struct Receiver {
  httplib::Server srv;
  std::thread th;
  int port = 0;
  std::mutex mu;
  std::vector<httplib::Request> got;
  std::atomic<int> attempts{0};
  int fail_first = 0;
  int fail_status = 503;

  Receiver() {
    auto h = [this](const httplib::Request& req, httplib::Response& res) {
      if (attempts.fetch_add(1) < fail_first) { res.status = fail_status; return; }
      std::lock_guard<std::mutex> lock(mu);
      got.push_back(req);
      res.status = 200;
    };
    srv.Post("/api/v2/alerts", h);
    srv.Post("/api/v1/write", h);
    port = srv.bind_to_any_port("127.0.0.1");
    th = std::thread([this] { srv.listen_after_bind(); });
  }
  ~Receiver() { srv.stop(); th.join(); }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port); }
  size_t Count() { std::lock_guard<std::mutex> lock(mu); return got.size(); }
  bool WaitFor(size_t n) {
    for (int i = 0; i < 300 && Count() < n; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return Count() >= n;
  }
};

Alert Firing() {
  Alert a;
  a.labels = LabelSet(std::vector<Label>{{"alertname", "HighErrorRate"}, {"service", "api"}});
  a.annotations = {{"summary", "High error rate detected"}};
  a.state = AlertState::kFiring;
  a.fired_at_ns = 1700000000LL * 1000000000LL;
  a.valid_until_ns = a.fired_at_ns + 240LL * 1000000000LL;
  return a;
}

}  // namespace

TEST_CASE("notifier: Alertmanager v2 body, delivered after retries while it is down") {
  Receiver am;
  am.fail_first = 2;
  metrics::Registry reg;
  Notifier n(NotifierOptions{{am.Url()}, 1000000000LL, 100}, &reg);
  n.Start();
  n.Send({Firing()}, {{"cluster", "home"}, {"service", "ignored-external"}}, "http://skald/graph?g0.expr=x");
  REQUIRE(am.WaitFor(1));
  n.Stop();
  CHECK(am.attempts.load() == 3);
  std::string body = am.got[0].body;
  simdjson::dom::parser p;
  simdjson::dom::element doc = p.parse(body);
  auto a = doc.at(0);
  CHECK(std::string_view(a["labels"]["alertname"]) == "HighErrorRate");
  CHECK(std::string_view(a["labels"]["cluster"]) == "home");
  CHECK(std::string_view(a["labels"]["service"]) == "api");  // the alert's own label wins
  CHECK(std::string_view(a["annotations"]["summary"]) == "High error rate detected");
  CHECK(std::string_view(a["startsAt"]) == "2023-11-14T22:13:20Z");
  CHECK(std::string_view(a["endsAt"]) == "2023-11-14T22:17:20Z");
  CHECK(std::string_view(a["generatorURL"]) == "http://skald/graph?g0.expr=x");
  CHECK(am.got[0].get_header_value("Content-Type") == "application/json");
  const std::string m = reg.Expose();
  CHECK(m.find("skald_ruler_notifications_errors_total{url=\"" + am.Url() + "\"} 2") != std::string::npos);
  CHECK(m.find("skald_ruler_notifications_sent_total{url=\"" + am.Url() + "\"} 1") != std::string::npos);
}

TEST_CASE("notifier: a 4xx answer drops the batch instead of retrying forever") {
  Receiver am;
  am.fail_first = 1;
  am.fail_status = 400;
  metrics::Registry reg;
  Notifier n(NotifierOptions{{am.Url()}, 1000000000LL, 100}, &reg);
  n.Start();
  n.Send({Firing()}, {}, "");
  Alert second = Firing();
  second.labels.Set("service", "web");
  n.Send({second}, {}, "");
  REQUIRE(am.WaitFor(1));
  n.Stop();
  CHECK(am.got[0].body.find("\"web\"") != std::string::npos);
  CHECK(reg.Expose().find("skald_ruler_notifications_dropped_total{url=\"" + am.Url() + "\"} 1") != std::string::npos);
}

TEST_CASE("remote write: snappy protobuf WriteRequest with Prometheus' headers") {
  Receiver prom;
  metrics::Registry reg;
  RemoteWriterOptions o;
  o.urls = {prom.Url() + "/api/v1/write"};
  RemoteWriter w(o, &reg);
  w.Start();
  RecordedSample s{LabelSet(std::vector<Label>{{"__name__", "job:errors:rate1m"}, {"job", "docker"}}), 2.5, 1700000000123};
  w.Write("fake", {s}, {{"cluster", "home"}});
  REQUIRE(prom.WaitFor(1));
  w.Stop();
  const httplib::Request& req = prom.got[0];
  CHECK(req.get_header_value("Content-Encoding") == "snappy");
  CHECK(req.get_header_value("X-Prometheus-Remote-Write-Version") == "0.1.0");
  CHECK(req.get_header_value("Content-Type") == "application/x-protobuf");
  CHECK(req.get_header_value("X-Scope-OrgID") == "fake");
  std::string raw;
  REQUIRE(snappy::Uncompress(req.body.data(), req.body.size(), &raw));
  prometheus::WriteRequest wr;
  REQUIRE(wr.ParseFromString(raw));
  REQUIRE(wr.timeseries_size() == 1);
  const auto& ts = wr.timeseries(0);
  REQUIRE(ts.labels_size() == 3);
  CHECK(ts.labels(0).name() == "__name__");
  CHECK(ts.labels(0).value() == "job:errors:rate1m");
  CHECK(ts.labels(1).name() == "cluster");
  CHECK(ts.labels(2).name() == "job");
  REQUIRE(ts.samples_size() == 1);
  CHECK(ts.samples(0).value() == 2.5);
  CHECK(ts.samples(0).timestamp() == 1700000000123);
}
