// Client against a real local HTTP server (port 0): protobuf+snappy bodies, batching, tenants,
// external labels, retries on 429/5xx (held past max_retries), drops on 4xx, acks, backpressure.
#include <catch.hpp>

#include <unistd.h>

#include <deque>

#include "collector/client/client.h"
#include "tests/collector/client/fake_store.h"

using namespace skald;
using namespace skald::client;
using skald::client::testing::FakeStore;

namespace {
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
  // max_retries is 3: Promtail would drop at the third failure, Skald keeps retrying (held).
  struct Case { const char* name; std::deque<int> script; int final_status; int want_requests; size_t want_delivered; const char* drop_reason; bool held; };
  std::vector<Case> cases = {
      {"204 first time", {}, 204, 1, 3, nullptr, false},
      {"429 twice then ok", {429, 429}, 204, 3, 3, nullptr, false},
      {"500 then ok", {500}, 204, 2, 3, nullptr, false},
      {"503 past max_retries is held, then delivered", {503, 503, 503, 503, 503}, 204, 6, 3, nullptr, true},
      {"429 past max_retries is held, then delivered", {429, 429, 429, 429}, 204, 5, 3, nullptr, true},
      {"400 dropped at once", {400}, 204, 1, 0, "ingester_error", false},
      {"413 dropped at once", {413}, 204, 1, 0, "ingester_error", false},
  };
  for (const auto& tc : cases) {
    SECTION(tc.name) {
      FakeStore store(tc.script, tc.final_status);
      Client c(Cfg(store.url()), 0);
      REQUIRE(c.Start().ok());
      const uint64_t held_before = c.metrics().held_entries();
      auto cur = std::make_shared<tail::AckCursor>("/f", tail::FileId{1, 1}, 0, 1);
      StreamKey k = c.KeyFor(L({{"a", "b"}}));
      for (int i = 1; i <= 3; ++i) { cur->Emitted(i); c.Push(k, i, "l", {cur, i}); cur->Processed(i); }
      REQUIRE(WaitFor([&] { return cur->Committed() == 3; }));  // delivered or dropped: acked
      REQUIRE(store.requests() == tc.want_requests);
      REQUIRE(store.entries() == tc.want_delivered);
      if (tc.drop_reason) REQUIRE(c.metrics().dropped_entries(tc.drop_reason) == 3);
      else REQUIRE(c.metrics().sent_entries() == 3);
      REQUIRE(c.metrics().held_entries() - held_before == (tc.held ? 3u : 0u));
      const int first = tc.script.empty() ? tc.final_status : tc.script.front();
      const std::string text = metrics::Registry::Default().Expose();
      REQUIRE(text.find("promtail_request_duration_seconds_bucket{status_code=\"" + std::to_string(first)) != std::string::npos);
      c.Stop();
    }
  }
}

TEST_CASE("client drops a 429 at once with drop_rate_limited_batches") {
  FakeStore store({429}, 204);
  ClientConfig cfg = Cfg(store.url());
  cfg.drop_rate_limited_batches = true;
  Client c(cfg, 0);
  REQUIRE(c.Start().ok());
  auto cur = std::make_shared<tail::AckCursor>("/f", tail::FileId{1, 1}, 0, 1);
  cur->Emitted(1);
  c.Push(c.KeyFor(L({{"a", "b"}})), 1, "l", {cur, 1});
  cur->Processed(1);
  REQUIRE(WaitFor([&] { return cur->Committed() == 1; }));
  REQUIRE(store.requests() == 1);
  REQUIRE(c.metrics().dropped_entries("rate_limited") >= 1);
  c.Stop();
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
