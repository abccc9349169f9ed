// The client through a store outage against real local HTTP servers: 503s past max_retries, a 429
// with Retry-After, the port closed, then the store back: every line arrives once, in order per
// stream; waits grow; many hosts failing together do not retry in lockstep.
#include <catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <climits>
#include <map>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "collector/client/client.h"
#include "tests/collector/client/fake_store.h"

using namespace skald;
using namespace skald::client;
using skald::client::testing::Answer;
using skald::client::testing::FakeStore;
using skald::client::testing::RequestRecord;

namespace {
constexpr int64_t kMs = 1'000'000;

ClientConfig OutageCfg(const std::string& url) {
  ClientConfig c;
  c.url = url;
  c.batchwait_ns = 20 * kMs;
  c.batchsize = 4096;
  c.backoff.min_period_ns = 20 * kMs;
  c.backoff.max_period_ns = 1600 * kMs;
  c.backoff.max_retries = 3;
  c.timeout_ns = 2000 * kMs;
  return c;
}

template <typename F> bool WaitFor(F f, int ms) {
  for (int i = 0; i < ms / 5; ++i) { if (f()) return true; ::usleep(5000); }
  return f();
}

std::vector<int64_t> Gaps(const std::vector<RequestRecord>& log) {
  std::vector<int64_t> g;
  for (size_t i = 1; i < log.size(); ++i) g.push_back(log[i].mono_ns - log[i - 1].mono_ns);
  return g;
}
}  // namespace

TEST_CASE("client rides out 503s, a 429 with Retry-After and a closed port without losing a line") {
  std::deque<Answer> script(5, Answer{503, ""});
  script.push_back({429, "1"});
  auto store = std::make_unique<FakeStore>(script, Answer{503, ""});
  const int port = store->port();
  Client c(OutageCfg(store->url()), 0);
  REQUIRE(c.Start().ok());
  const uint64_t held_before = c.metrics().held_entries();
  constexpr int kStreams = 3, kLines = 400;
  std::vector<std::shared_ptr<tail::AckCursor>> cursors;
  std::vector<StreamKey> keys;
  for (int s = 0; s < kStreams; ++s) {
    cursors.push_back(std::make_shared<tail::AckCursor>(fmt::format("/f{}", s), tail::FileId{1, uint64_t(s)}, 0, 1));
    keys.push_back(c.KeyFor(LabelSet(std::vector<Label>{{"stream", std::to_string(s)}})));
  }
  std::thread producer([&] {  // lines keep coming during the whole outage
    for (int i = 1; i <= kLines; ++i) {
      for (int s = 0; s < kStreams; ++s) {
        while (!c.HasCapacity()) ::usleep(1000);
        cursors[s]->Emitted(i);
        c.Push(keys[s], i, fmt::format("stream {} line {}", s, i), {cursors[s], i});
        cursors[s]->Processed(i);
      }
      ::usleep(10000);
    }
  });
  REQUIRE(WaitFor([&] { return store->requests() >= 7; }, 10000));  // 5 x 503, 429, the retry after it
  const auto first = store->log();
  store.reset();  // the store goes away: connection refused for a while
  for (int s = 0; s < kStreams; ++s) REQUIRE(cursors[s]->Committed() == 0);
  ::usleep(2'000'000);
  for (int s = 0; s < kStreams; ++s) REQUIRE(cursors[s]->Committed() == 0);  // nothing acked, nothing lost
  FakeStore back({}, Answer{204, ""}, port);
  REQUIRE(back.port() == port);
  producer.join();
  REQUIRE(WaitFor([&] { return back.entries() >= size_t(kStreams * kLines); }, 15000));
  for (int s = 0; s < kStreams; ++s) REQUIRE(WaitFor([&] { return cursors[s]->Committed() == kLines; }, 5000));

  std::map<std::string, std::vector<std::string>> by_stream;  // in arrival order
  for (const auto& r : back.got())
    for (const auto& st : r.req.streams())
      for (const auto& e : st.entries()) by_stream[st.labels()].push_back(e.line());
  REQUIRE(by_stream.size() == size_t(kStreams));
  for (int s = 0; s < kStreams; ++s) {
    const auto& lines = by_stream[fmt::format("{{stream=\"{}\"}}", s)];
    REQUIRE(lines.size() == size_t(kLines));  // exactly once ...
    for (int i = 0; i < kLines; ++i) REQUIRE(lines[i] == fmt::format("stream {} line {}", s, i + 1));
  }
  REQUIRE(c.metrics().dropped_entries("ingester_error") == 0);
  REQUIRE(c.metrics().dropped_entries("rate_limited") == 0);
  REQUIRE(c.metrics().held_entries() > held_before);  // the first batch went past max_retries

  // Waits between the 503s grow (drawn from [20,40], [40,80], [80,160], [160,320] ms), and the 429's
  // Retry-After: 1 holds the next attempt back at least a second (at most max_period 1.6 s).
  const auto g = Gaps(first);
  REQUIRE(g.size() >= 6);
  CHECK(g[0] >= 18 * kMs);
  CHECK(g[3] >= 150 * kMs);
  CHECK(g[3] > 2 * g[0]);
  CHECK(g[5] >= 1000 * kMs);
  CHECK(g[5] <= 2000 * kMs);
  c.Stop();
}

TEST_CASE("hosts failing at the same moment retry at different times") {
  FakeStore store({}, Answer{503, ""});
  constexpr int kHosts = 8;
  std::vector<std::unique_ptr<Client>> hosts;
  for (int h = 0; h < kHosts; ++h) {
    ClientConfig cfg = OutageCfg(store.url());
    cfg.tenant_id = fmt::format("h{}", h);
    cfg.backoff.max_retries = 100;
    hosts.push_back(std::make_unique<Client>(cfg, 0));
    REQUIRE(hosts.back()->Start().ok());
  }
  for (auto& c : hosts) c->Push(c->KeyFor(LabelSet(std::vector<Label>{{"a", "b"}})), 1, "line", {});
  // Every host's fifth attempt, not 40 requests in all: with jitter one host can be at its third
  // while another is at its sixth (a flake under ASan and a loaded machine).
  auto fewest = [&] {
    std::map<std::string, int> n;
    for (const auto& r : store.log()) n[r.tenant]++;
    int m = n.size() == size_t(kHosts) ? INT32_MAX : 0;
    for (const auto& [h, c] : n) m = std::min(m, c);
    return m;
  };
  REQUIRE(WaitFor([&] { return fewest() >= 5; }, 20000));
  for (auto& c : hosts) c->Stop(0);
  std::map<std::string, std::vector<RequestRecord>> by_host;
  for (const auto& r : store.log()) by_host[r.tenant].push_back(r);
  REQUIRE(by_host.size() == size_t(kHosts));
  std::vector<int64_t> fifth;
  for (auto& [host, log] : by_host) {
    REQUIRE(log.size() >= 5);
    const auto g = Gaps(log);
    CHECK(g[3] > g[0]);  // each host's waits grow
    fifth.push_back(log[4].mono_ns - log[0].mono_ns);
  }
  // Without jitter all eight would send their fifth attempt within a few ms of each other.
  const auto [lo, hi] = std::minmax_element(fifth.begin(), fifth.end());
  CHECK(*hi - *lo > 20 * kMs);
}
