// Client against a real local HTTP server (port 0): protobuf+snappy bodies, batching, tenants,
// external labels, retries on 429/5xx, drops on 4xx, max_retries, acknowledgements, backpressure.
#include <catch.hpp>

#include <httplib.h>
#include <snappy.h>
#include <unistd.h>

#include <atomic>
#include <deque>
#include <mutex>
#include <thread>

#include "collector/client/client.h"
#include "push.pb.h"

using namespace skald;
using namespace skald::client;

namespace {
struct Received {
  std::string tenant, user_agent, content_type;
  logproto::PushRequest req;
};

// A push receiver answering from a script of status codes (then `final_status`).
class FakeStore {
 public:
  explicit FakeStore(std::deque<int> script = {}, int final_status = 204)
      : script_(std::move(script)), final_(final_status) {
    srv_.Post("/loki/api/v1/push", [this](const httplib::Request& r, httplib::Response& res) {
      std::lock_guard<std::mutex> l(mu_);
      ++requests_;
      int code = final_;
      if (!script_.empty()) { code = script_.front(); script_.pop_front(); }
      res.status = code;
      if (code != 204) return;
      std::string raw;
      REQUIRE(snappy::Uncompress(r.body.data(), r.body.size(), &raw));
      Received rec{r.get_header_value("X-Scope-OrgID"), r.get_header_value("User-Agent"),
                   r.get_header_value("Content-Type"), {}};
      REQUIRE(rec.req.ParseFromString(raw));
      got_.push_back(std::move(rec));
    });
    port_ = srv_.bind_to_any_port("127.0.0.1");
    th_ = std::thread([this] { srv_.listen_after_bind(); });
  }
  ~FakeStore() { srv_.stop(); th_.join(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/loki/api/v1/push"; }
  int requests() { std::lock_guard<std::mutex> l(mu_); return requests_; }
  std::vector<Received> got() { std::lock_guard<std::mutex> l(mu_); return got_; }
  size_t entries() {
    size_t n = 0;
    for (auto& r : got()) for (auto& s : r.req.streams()) n += s.entries_size();
    return n;
  }

 private:
  httplib::Server srv_;
  int port_ = 0;
  std::thread th_;
  std::mutex mu_;
  std::deque<int> script_;
  int final_;
  int requests_ = 0;
  std::vector<Received> got_;
};

ClientConfig Cfg(const std::string& url) {
  ClientConfig c;
  c.url = url;
  c.batchwait_ns = 50'000'000;
  c.backoff.min_period_ns = 10'000'000;
  c.backoff.max_period_ns = 40'000'000;
  c.backoff.max_retries = 3;
  c.timeout_ns = 2'000'000'000;
  return c;
}

template <typename F> bool WaitFor(F f, int ms = 5000) {
  for (int i = 0; i < ms / 5; ++i) { if (f()) return true; ::usleep(5000); }
  return f();
}

LabelSet L(std::vector<Label> l) { return LabelSet(std::move(l)); }
}  // namespace

TEST_CASE("client delivers protobuf+snappy batches and acknowledges them") {
  FakeStore store;
  ClientConfig cfg = Cfg(store.url());
  cfg.external_labels = {{"host", "h1"}, {"job", "overridden"}};
  Client c(cfg, 0);
  REQUIRE(c.Start().ok());
  auto cur = std::make_shared<tail::AckCursor>("/f", tail::FileId{1, 1}, 0, 1);
  StreamKey k = c.KeyFor(L({{"job", "web"}, {"stream", "stdout"}}));
  REQUIRE(*k.labels == R"({host="h1", job="web", stream="stdout"})");
  for (int i = 0; i < 10; ++i) {
    cur->Emitted((i + 1) * 10);
    c.Push(k, 1700000000000000000LL + i, "line " + std::to_string(i), {cur, (i + 1) * 10});
    cur->Processed((i + 1) * 10);
  }
  REQUIRE(WaitFor([&] { return store.entries() == 10; }));
  REQUIRE(WaitFor([&] { return cur->Committed() == 100; }));
  auto got = store.got();
  REQUIRE(got[0].user_agent == kUserAgent);
  REQUIRE(got[0].content_type == "application/x-protobuf");
  REQUIRE(got[0].tenant.empty());
  const auto& s = got[0].req.streams(0);
  REQUIRE(s.labels() == R"({host="h1", job="web", stream="stdout"})");
  REQUIRE(s.entries(3).line() == "line 3");
  REQUIRE(s.entries(3).timestamp().seconds() == 1700000000);
  REQUIRE(s.entries(3).timestamp().nanos() == 3);
  REQUIRE(c.metrics().sent_entries() == 10);
  c.Stop();
}

TEST_CASE("client splits batches at batchsize and keeps tenants apart") {
  FakeStore store;
  ClientConfig cfg = Cfg(store.url());
  cfg.batchsize = 1000;
  cfg.tenant_id = "default-tenant";
  Client c(cfg, 0);
  REQUIRE(c.Start().ok());
  StreamKey a = c.KeyFor(L({{"app", "a"}}));
  StreamKey b = c.KeyFor(L({{"app", "b"}, {"__tenant_id__", "team-b"}}));
  REQUIRE(b.tenant == "team-b");
  REQUIRE(*b.labels == R"({app="b"})");
  const std::string line(100, 'x');
  for (int i = 0; i < 50; ++i) c.Push(i % 2 ? a : b, i, line, {});
  REQUIRE(WaitFor([&] { return store.entries() == 50; }));
  size_t tenant_a = 0;
  for (const auto& r : store.got()) {
    size_t bytes = 0;
    for (const auto& s : r.req.streams()) for (const auto& e : s.entries()) bytes += e.line().size();
    REQUIRE(bytes <= 1000);
    REQUIRE(r.req.streams_size() == 1);
    if (r.tenant == "default-tenant") tenant_a += r.req.streams(0).entries_size();
    else REQUIRE(r.tenant == "team-b");
  }
  REQUIRE(tenant_a == 25);
  REQUIRE(store.requests() >= 5);
  c.Stop();
}

TEST_CASE("client retry and drop table") {
  struct Case { const char* name; std::deque<int> script; int final_status; int want_requests; size_t want_delivered; const char* drop_reason; };
  std::vector<Case> cases = {
      {"204 first time", {}, 204, 1, 3, nullptr},
      {"429 twice then ok", {429, 429}, 204, 3, 3, nullptr},
      {"500 then ok", {500}, 204, 2, 3, nullptr},
      {"503 until max_retries", {}, 503, 3, 0, "ingester_error"},
      {"429 until max_retries", {}, 429, 3, 0, "rate_limited"},
      {"400 dropped at once", {}, 400, 1, 0, "ingester_error"},
      {"413 dropped at once", {}, 413, 1, 0, "ingester_error"},
  };
  for (const auto& tc : cases) {
    SECTION(tc.name) {
      FakeStore store(tc.script, tc.final_status);
      Client c(Cfg(store.url()), 0);
      REQUIRE(c.Start().ok());
      auto cur = std::make_shared<tail::AckCursor>("/f", tail::FileId{1, 1}, 0, 1);
      StreamKey k = c.KeyFor(L({{"a", "b"}}));
      for (int i = 1; i <= 3; ++i) { cur->Emitted(i); c.Push(k, i, "l", {cur, i}); cur->Processed(i); }
      REQUIRE(WaitFor([&] { return cur->Committed() == 3; }));  // delivered or dropped: acked
      REQUIRE(store.requests() == tc.want_requests);
      REQUIRE(store.entries() == tc.want_delivered);
      if (tc.drop_reason) REQUIRE(c.metrics().dropped_entries(tc.drop_reason) == 3);
      else REQUIRE(c.metrics().sent_entries() == 3);
      REQUIRE(c.metrics().requests(tc.final_status) + c.metrics().requests(204) >= 1);
      const std::string text = metrics::Registry::Default().Expose();
      REQUIRE(text.find("promtail_request_duration_seconds_bucket{status_code=\"" + std::to_string(tc.final_status)) != std::string::npos);
      c.Stop();
    }
  }
}

TEST_CASE("client applies backpressure while the store is unreachable and keeps lines unacked") {
  ClientConfig cfg = Cfg("http://127.0.0.1:1/loki/api/v1/push");  // nothing listens on port 1
  cfg.batchsize = 1 << 16;
  cfg.backoff.max_retries = 1000;
  Client c(cfg, 0);
  REQUIRE(c.Start().ok());
  auto cur = std::make_shared<tail::AckCursor>("/f", tail::FileId{1, 1}, 0, 1);
  StreamKey k = c.KeyFor(L({{"a", "b"}}));
  const std::string line(1000, 'y');
  int pushed = 0;
  while (c.HasCapacity() && pushed < 100000) { ++pushed; cur->Emitted(pushed); c.Push(k, pushed, line, {cur, pushed}); cur->Processed(pushed); }
  REQUIRE_FALSE(c.HasCapacity());
  REQUIRE(pushed < 1100);  // budget: max(3 x batchsize, 1 MiB)
  ::usleep(100000);
  REQUIRE(cur->Committed() == 0);
  c.Stop(0);
  REQUIRE(cur->Committed() == 0);
  REQUIRE(c.metrics().retries() >= 1);
}
