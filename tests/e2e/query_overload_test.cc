// The real skald-store under an expensive query: a client that goes away cancels it (the
// store's CPU drops back), query_timeout answers 504 in time, max_query_bytes_read answers 400
// naming the limit, and pushes keep being answered while the query runs.
#include <catch.hpp>
#include <httplib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "tests/e2e/store_under_test.h"
#include "tests/loopback_connect.h"

using namespace skald;
using namespace skald::e2e;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kLines = 800000;
// Twelve greedy captures over every line: RE2 extracts submatches the slow way, so this scans for
// seconds (~4 s alone on 2 cores: the checks below need it running for more than 3 s even when the
// test runs beside an idle one).
const std::string kHeavy =
    R"q(sum(count_over_time({job="heavy"} | regexp "(?P<a>.*)(?P<b>.*)(?P<c>.*)(?P<d>.*)(?P<e>.*)(?P<f>.*)(?P<g>.*)(?P<h>.*)(?P<i>.*)(?P<j>.*)(?P<k>.*)(?P<l>.*)" [1m])))q";

// CPU seconds the process has used (utime + stime from /proc/<pid>/stat).
double CpuSeconds(int pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::istringstream rest(text.substr(text.rfind(')') + 2));
  std::string field;
  long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stol(field);
    if (i == 15) stime = std::stol(field);
  }
  return double(utime + stime) / double(sysconf(_SC_CLK_TCK));
}

// CPU the process uses over `window`, in cores.
double CpuRate(int pid, std::chrono::milliseconds window) {
  double a = CpuSeconds(pid);
  std::this_thread::sleep_for(window);
  return (CpuSeconds(pid) - a) / (double(window.count()) / 1000.0);
}

void Fill(int port, int64_t base_ns) {
  httplib::Client cli("127.0.0.1", port);
  cli.set_read_timeout(30, 0);
  for (int done = 0; done < kLines;) {
    std::vector<LogEntry> es;
    for (int i = 0; i < 10000; ++i, ++done) {
      es.push_back({base_ns + int64_t(done) * 1000000,
                    fmt::format("level=info caller=svc.go:42 msg=\"request served\" path=/api/v1/items/{} "
                                "status=200 duration=12ms user=u{}", done, done % 97),
                    {}});
    }
    auto body = JsonPushBody({MakeStream({{"job", "heavy"}, {"pod", fmt::format("p{}", done % 4)}}, es)});
    auto r = cli.Post("/loki/api/v1/push", body, "application/json");
    REQUIRE(r);
    REQUIRE(r->status == 204);
  }
}

std::string RangeTarget(int64_t base_ns) {
  return fmt::format("/loki/api/v1/query_range?query={}&start={}&end={}&step=60",
                     httplib::detail::encode_query_param(kHeavy), base_ns - 60'000'000'000LL,
                     base_ns + int64_t(kLines) * 1000000 + 60'000'000'000LL);
}

}  // namespace

TEST_CASE("heavy query: the client going away cancels it, query_timeout and max_query_bytes_read stop it",
          "[e2e][overload]") {
  TempDir dir("skald-overload");
  const std::string d = dir.path();
  StoreUnderTest store(d);
  // Written whole (StoreYaml's server section would be repeated): long enough limits to watch the query.
  auto config = [&](const std::string& server_extra, const std::string& limits) {
    WriteFile(store.config(), fmt::format("auth_enabled: false\nserver:\n  http_listen_port: {}\n{}common:\n"
                                          "  path_prefix: {}/data\nlimits_config:\n  ingestion_rate_mb: 1024\n"
                                          "  ingestion_burst_size_mb: 1024\n  per_stream_rate_limit: 1GB\n"
                                          "  per_stream_rate_limit_burst: 1GB\n{}",
                                          store.port(), server_extra, d, limits));
  };
  config("  http_server_write_timeout: 5m\n", "  query_timeout: 5m\n");
  REQUIRE(store.Start());
  const int64_t base = NowNs() - 3600'000'000'000LL;
  Fill(store.port(), base);

  // How long the query takes when left alone, and that it really burns CPU meanwhile.
  httplib::Client cli("127.0.0.1", store.port());
  cli.set_read_timeout(120, 0);
  auto t0 = Clock::now();
  auto full = cli.Get(RangeTarget(base).c_str());
  const auto alone = Clock::now() - t0;
  REQUIRE(full);
  REQUIRE(full->status == 200);
  INFO("the heavy query took " << std::chrono::duration_cast<std::chrono::milliseconds>(alone).count() << " ms");
  // The checks below end 2.6 s after the query starts: it must still be running then if not cancelled.
  REQUIRE(alone > 3000ms);

  SECTION("the client going away cancels the query: the store's CPU drops back") {
    int fd = skald::testing::ConnectLoopback(store.port());
    std::string req = fmt::format("GET {} HTTP/1.1\r\nHost: x\r\n\r\n", RangeTarget(base));
    REQUIRE(::send(fd, req.data(), req.size(), 0) == ssize_t(req.size()));
    std::this_thread::sleep_for(300ms);
    // Relative figures: query threads run at nice 10, so other load on the machine (parallel
    // tests) shrinks what the store gets; the drop after the client leaves is what must show.
    const double busy = CpuRate(store.pid(), 1000ms);
    ::close(fd);
    std::this_thread::sleep_for(300ms);
    const double after = CpuRate(store.pid(), 1000ms);
    INFO("cores busy while running: " << busy << ", after the client left: " << after);
    CHECK(busy > 0.05);
    CHECK(after < 0.25 * busy);
    // Pushes and queries are served as usual afterwards.
    auto ok = cli.Get("/ready");
    REQUIRE(ok);
    CHECK(ok->status == 200);
    std::string metrics = cli.Get("/metrics")->body;
    CHECK(metrics.find("skald_http_requests_cancelled_total 1") != std::string::npos);
  }

  SECTION("query_timeout answers 504 in time, max_query_bytes_read answers 400 naming the limit") {
    REQUIRE(store.Stop() == 0);
    config("", "  query_timeout: 500ms\n");
    REQUIRE(store.Start());
    t0 = Clock::now();
    auto r = cli.Get(RangeTarget(base).c_str());
    const auto took = Clock::now() - t0;
    REQUIRE(r);
    CHECK(r->status == 504);
    CHECK(took < 500ms + (alone / 2));
    CHECK(took < alone);

    REQUIRE(store.Stop() == 0);
    config("", "  max_query_bytes_read: 1MB\n");
    REQUIRE(store.Start());
    r = cli.Get(RangeTarget(base).c_str());
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(r->body.rfind("the query would read too many bytes (query: ", 0) == 0);
    CHECK(r->body.find(", limit: ") != std::string::npos);
  }
}
