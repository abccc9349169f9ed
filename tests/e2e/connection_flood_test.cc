// The real skald-store under a connection flood: 256 idle keep-alive clients and 64 slow-header
// clients must not stop it answering a fresh client, and its read and idle timeouts must shed them.
#include <catch.hpp>
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/flood_connections.h"
#include "tests/e2e/store_under_test.h"

using namespace skald::e2e;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kIdle = 256, kSlow = 64;
constexpr auto kReadTimeout = 5s, kIdleTimeout = 10s;
constexpr auto kSlack = 4s;  // timer granularity, a loaded 2-core machine, the watcher's 50 ms poll

std::string FloodYaml(int port, const std::string& dir) {
  return "auth_enabled: false\nserver:\n  http_listen_address: 127.0.0.1\n  http_listen_port: " +
         std::to_string(port) + "\n  http_server_read_timeout: 5s\n  http_server_idle_timeout: 10s\n" +
         "common:\n  path_prefix: " + dir + "/data\n";
}

// Polls pred every 50 ms until it holds or the deadline passes; returns its last value.
bool WaitUntil(Clock::time_point deadline, const std::function<bool()>& pred) {
  while (!pred()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(50ms);
  }
  return true;
}

struct Tally {
  int conns = 0, answered = 0, ok = 0, closed = 0, resets = 0;  // resets: closed by RST, not FIN
  std::string first_reply;  // what a closed connection received first, if anything
  double min_close_s = 1e9, max_close_s = 0;  // closed - (answered for idle, opened for slow)
  Clock::time_point last_answered{};
};

Tally Count(const FloodConnections& flood, bool slow) {
  Tally t;
  for (const FloodConn& c : flood.Snapshot()) {
    if (c.slow != slow) continue;
    ++t.conns;
    if (c.answered != SteadyTime{}) ++t.answered, t.last_answered = std::max(t.last_answered, c.answered);
    t.ok += c.status_200 ? 1 : 0;
    if (c.closed == SteadyTime{}) continue;
    ++t.closed;
    t.resets += c.close_errno != 0 ? 1 : 0;
    if (t.first_reply.empty()) t.first_reply = c.in.substr(0, c.in.find('\r'));
    const SteadyTime from = slow ? c.opened : (c.answered != SteadyTime{} ? c.answered : c.opened);
    const double s = std::chrono::duration<double>(c.closed - from).count();
    t.min_close_s = std::min(t.min_close_s, s);
    t.max_close_s = std::max(t.max_close_s, s);
  }
  if (t.closed == 0) t.min_close_s = 0;
  return t;
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// One request from a fresh client with 2 s connect/read/write timeouts: its status (0 = no answer)
// and how long it took.
struct Timed {
  int status = 0;
  double seconds = 0;
  std::string body;
};
Timed FreshRequest(int port, const std::function<httplib::Result(httplib::Client&)>& send) {
  httplib::Client cli("127.0.0.1", port);
  cli.set_connection_timeout(2, 0);
  cli.set_read_timeout(2, 0);
  cli.set_write_timeout(2, 0);
  const auto t0 = Clock::now();
  httplib::Result res = send(cli);
  Timed t;
  t.seconds = Seconds(Clock::now() - t0);
  if (res) t.status = res->status, t.body = res->body;
  return t;
}

}  // namespace

TEST_CASE("store under a connection flood: a fresh client is served, slow and idle clients are shed",
          "[e2e][flood]") {
  REQUIRE(RaiseFdLimit() >= 1024);
  TempDir dir("skald-flood");
  StoreUnderTest store(dir.path());
  WriteFile(store.config(), FloodYaml(store.port(), dir.path()));
  REQUIRE(store.Start());
  INFO("store log: " << store.log());

  FloodConnections flood(store.port());
  std::string err;
  REQUIRE(flood.AddIdle(kIdle, 5000, &err) == kIdle);
  flood.Start(500ms);
  WaitUntil(Clock::now() + 5s, [&] { return Count(flood, false).answered == kIdle; });
  const Tally idle0 = Count(flood, false);
  CHECK(idle0.answered == kIdle);  // every keep-alive client got its /ready answer
  CHECK(idle0.ok == idle0.answered);
  CHECK(idle0.closed == 0);
  REQUIRE(flood.AddSlow(kSlow, 5000, &err) == kSlow);
  INFO("flood errors: " << err);
  const auto slow_opened = Clock::now();
  std::this_thread::sleep_for(600ms);  // the slow clients have sent a byte or two more

  const Timed ready = FreshRequest(store.port(), [](httplib::Client& c) { return c.Get("/ready"); });
  INFO("GET /ready: status " << ready.status << " in " << ready.seconds << " s");
  CHECK(ready.status == 200);
  CHECK(ready.seconds < 2.0);

  const std::string line = "flood line " + std::to_string(NowNs());
  const std::string body =
      JsonPushBody({MakeStream({{"job", "flood"}}, {{NowNs(), line, {}}})});
  const Timed push = FreshRequest(store.port(), [&](httplib::Client& c) {
    return c.Post("/loki/api/v1/push", body, "application/json");
  });
  INFO("push: status " << push.status << " in " << push.seconds << " s");
  CHECK(push.status == 204);
  CHECK(push.seconds < 2.0);

  // The flood was still in place while those were answered.
  const Tally idle1 = Count(flood, false), slow1 = Count(flood, true);
  INFO("during the checks: idle closed " << idle1.closed << ", slow closed " << slow1.closed << " after "
                                         << Seconds(Clock::now() - slow_opened) << " s");
  CHECK(idle1.closed == 0);
  CHECK((Clock::now() - slow_opened >= kReadTimeout - 1s || slow1.closed == 0));

  const Timed query = FreshRequest(store.port(), [&](httplib::Client& c) {
    const int64_t now = NowNs();
    return c.Get("/loki/api/v1/query_range",
                 httplib::Params{{"query", "{job=\"flood\"}"}, {"start", std::to_string(now - 3600'000'000'000LL)},
                                 {"end", std::to_string(now + 60'000'000'000LL)}, {"limit", "10"}},
                 httplib::Headers{});
  });
  INFO("query_range: status " << query.status << " in " << query.seconds << " s");
  CHECK(query.status == 200);
  CHECK(query.body.find(line) != std::string::npos);

  // Slow-header clients: closed by the server within the read timeout (plus slack).
  WaitUntil(slow_opened + kReadTimeout + kSlack, [&] { return Count(flood, true).closed == kSlow; });
  const Tally slow2 = Count(flood, true);
  INFO("slow clients closed: " << slow2.closed << "/" << kSlow << " (" << slow2.resets << " by reset), after "
                               << slow2.min_close_s << ".." << slow2.max_close_s << " s, first reply '"
                               << slow2.first_reply << "'");
  CHECK(slow2.closed == kSlow);
  CHECK(slow2.max_close_s <= Seconds(kReadTimeout + kSlack));

  // Idle keep-alive clients: kept until the idle timeout (not the read timeout), then closed.
  const auto idle_from = idle0.last_answered != Clock::time_point{} ? idle0.last_answered : slow_opened;
  WaitUntil(idle_from + kIdleTimeout + kSlack, [&] { return Count(flood, false).closed == kIdle; });
  const Tally idle2 = Count(flood, false);
  INFO("idle clients closed: " << idle2.closed << "/" << kIdle << " (" << idle2.resets << " by reset), after "
                               << idle2.min_close_s << ".." << idle2.max_close_s << " s");
  CHECK(idle2.closed == kIdle);
  CHECK(idle2.min_close_s >= Seconds(kIdleTimeout - 1500ms));
  CHECK(idle2.max_close_s <= Seconds(kIdleTimeout + kSlack));

  // And the store still answers once the flood is gone.
  const Timed after = FreshRequest(store.port(), [](httplib::Client& c) { return c.Get("/ready"); });
  CHECK(after.status == 200);
}
