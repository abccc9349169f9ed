// FederatedReader against real write-node routes on real sockets: union of streams and labels,
// merged and de-duplicated entries, no runs where write nodes are involved, exact summaries and
// stats, the query_ingesters_within window, and a node that is down (failing or tolerated).
#include <catch.hpp>

#include <fmt/format.h>

#include "store/cluster/federated_reader.h"
#include "store/cluster/peer_routes.h"
#include "tests/route_server.h"
#include "tests/store/query/fake_store_reader.h"

namespace skald::cluster {
namespace {

constexpr int64_t kNow = 1'000'000;
constexpr int64_t kWithin = 1'000;          // write nodes are asked about [kNow - kWithin, end)
const std::string kTenant = "t1";

LabelSet L(const char* text) { return *LabelSet::Parse(text); }

std::vector<LogEntry> Lines(std::initializer_list<std::pair<int64_t, const char*>> v) {
  std::vector<LogEntry> out;
  for (auto& [ts, line] : v) out.push_back({ts, line, {}});
  return out;
}

// A write node: its own data behind the real internal routes.
struct WriteNode {
  testing::FakeStoreReader data;
  testing::RouteServer server;
  explicit WriteNode(LimitsConfig limits = {}) {
    RegisterPeerRoutes(server.router(), {&data, limits, true, [] { return kNow; }});
    server.Start();
  }
  std::string url() const { return fmt::format("http://127.0.0.1:{}", server.port()); }
};

struct Rig {
  testing::FakeStoreReader bucket;   // what the read node sees locally
  WriteNode w1, w2;
  metrics::Registry registry;
  std::unique_ptr<FederatedReader> reader;

  explicit Rig(bool tolerate = false) {
    // {app="a"}: old entries only in the bucket, recent ones in the bucket and/or on write nodes
    bucket.Push(kTenant, L(R"({app="a"})"), Lines({{100, "old"}, {kNow - 900, "a1"}, {kNow - 800, "a2"}}));
    w1.data.Push(kTenant, L(R"({app="a"})"), Lines({{kNow - 800, "a2"}, {kNow - 700, "a3"}, {kNow - 600, "a4"}}));
    w2.data.Push(kTenant, L(R"({app="a"})"), Lines({{kNow - 700, "a3"}, {kNow - 600, "a4"}, {kNow - 500, "a5"}}));
    // a stream only on a write node, and one with an entry too old for the write-node window
    w2.data.Push(kTenant, L(R"({app="b", env="dev"})"), Lines({{kNow - 2000, "too old"}, {kNow - 100, "b1"}}));
    bucket.Push(kTenant, L(R"({app="c"})"), Lines({{kNow - 50, "c1"}, {kNow - 40, "c2"}}));
    ClusterConfig c;
    c.write_nodes = {w1.url(), w2.url()};
    c.peer_timeout_ns = 2'000'000'000;
    c.tolerate_unavailable_write_nodes = tolerate;
    FederatedReaderOptions o;
    o.local = &bucket;
    o.cluster = c;
    o.query_ingesters_within_ns = kWithin;
    o.registry = &registry;
    o.now_ns = [] { return kNow; };
    reader = std::make_unique<FederatedReader>(std::move(o));
  }
};

std::vector<std::string> Read(StoreReader& r, uint64_t id, int64_t start, int64_t end, Direction dir) {
  auto it = r.Entries(kTenant, id, start, end, dir);
  std::vector<std::string> out;
  while (it->Next()) out.push_back(fmt::format("{}:{}", it->At().ts_ns, it->At().line));
  REQUIRE(it->status().ok());
  return out;
}

uint64_t IdOf(const std::vector<StreamInfo>& s, const char* labels) {
  for (const auto& i : s)
    if (i.labels == L(labels)) return i.id;
  FAIL("no stream " << labels);
  return 0;
}

TEST_CASE("streams are the union by label set, local ids kept, the others synthetic") {
  Rig rig;
  auto s = rig.reader->Streams(kTenant, {}, 0, kNow + 1);
  INFO(s.status().message());
  REQUIRE(s.ok());
  REQUIRE(s->size() == 3);
  auto local = rig.bucket.Streams(kTenant, {}, 0, kNow + 1);
  CHECK(IdOf(*s, R"({app="a"})") == IdOf(*local, R"({app="a"})"));
  CHECK(IdOf(*s, R"({app="c"})") == IdOf(*local, R"({app="c"})"));
  const uint64_t b = IdOf(*s, R"({app="b", env="dev"})");
  CHECK((b & kSyntheticIdBit) != 0);
  auto again = rig.reader->Streams(kTenant, {}, 0, kNow + 1);
  REQUIRE(again.ok());
  CHECK(IdOf(*again, R"({app="b", env="dev"})") == b);   // stable
  CHECK(rig.reader->Streams("other", {}, 0, kNow + 1)->empty());
}

TEST_CASE("entries merge the bucket and both write nodes, each identical entry once") {
  Rig rig;
  auto s = rig.reader->Streams(kTenant, {}, 0, kNow + 1);
  REQUIRE(s.ok());
  const uint64_t a = IdOf(*s, R"({app="a"})");
  const std::vector<std::string> want = {"100:old", fmt::format("{}:a1", kNow - 900), fmt::format("{}:a2", kNow - 800),
                                         fmt::format("{}:a3", kNow - 700), fmt::format("{}:a4", kNow - 600),
                                         fmt::format("{}:a5", kNow - 500)};
  CHECK(Read(*rig.reader, a, 0, kNow + 1, Direction::kForward) == want);
  std::vector<std::string> rev(want.rbegin(), want.rend());
  CHECK(Read(*rig.reader, a, 0, kNow + 1, Direction::kBackward) == rev);
  // a write-node-only stream: its entry older than the window is not asked for
  const uint64_t b = IdOf(*s, R"({app="b", env="dev"})");
  CHECK(Read(*rig.reader, b, 0, kNow + 1, Direction::kForward) == std::vector<std::string>{fmt::format("{}:b1", kNow - 100)});
}

TEST_CASE("runs: local runs before the write-node window, one merged de-duplicated run after") {
  Rig rig;
  rig.bucket.chunk_entries = 1;   // one local run per entry: old ones stay, recent ones are merged
  auto s = rig.reader->Streams(kTenant, {}, 0, kNow + 1);
  REQUIRE(s.ok());
  auto ra = rig.reader->Runs(kTenant, IdOf(*s, R"({app="a"})"), 0, kNow + 1);
  REQUIRE(ra.ok());
  REQUIRE(ra->size() == 2);
  CHECK((*ra)[0]->summary.entries == 1);            // "old", wholly before the window
  CHECK((*ra)[0]->summary.max_ts_ns == 100);
  CHECK((*ra)[1]->summary.entries == 5);            // a1..a5 once each, from the bucket and both nodes
  CHECK((*ra)[1]->summary.min_ts_ns == kNow - 900);
  CHECK((*ra)[1]->summary.raw_bytes == 10);
  std::vector<int64_t> ts;
  std::vector<uint32_t> len;
  bool md = true;
  REQUIRE((*ra)[1]->Load(&ts, &len, &md).ok());
  CHECK(ts == std::vector<int64_t>{kNow - 900, kNow - 800, kNow - 700, kNow - 600, kNow - 500});
  CHECK_FALSE(md);
  auto rb = rig.reader->Runs(kTenant, IdOf(*s, R"({app="b", env="dev"})"), 0, kNow + 1);
  REQUIRE(rb.ok());
  REQUIRE(rb->size() == 1);
  CHECK((*rb)[0]->summary.entries == 1);
  auto rc = rig.reader->Runs(kTenant, IdOf(*s, R"({app="c"})"), 0, kNow + 1);
  REQUIRE(rc.ok());
  CHECK(rc->size() == 2);                           // local only: the local runs as they are
  // a range wholly older than the write-node window: the local runs, write nodes not involved
  auto old = rig.reader->Runs(kTenant, IdOf(*s, R"({app="a"})"), 0, kNow - kWithin);
  REQUIRE(old.ok());
  CHECK(old->size() == 1);
}

TEST_CASE("summaries and stats count each entry once") {
  Rig rig;
  auto s = rig.reader->Streams(kTenant, {}, 0, kNow + 1);
  REQUIRE(s.ok());
  auto sums = rig.reader->Summaries(kTenant, IdOf(*s, R"({app="a"})"), 0, kNow + 1);
  REQUIRE(sums.ok());
  int64_t entries = 0, bytes = 0;
  for (const auto& c : *sums) entries += c.entries, bytes += c.raw_bytes;
  CHECK(entries == 6);
  CHECK(bytes == 3 + 5 * 2);
  auto st = rig.reader->Stats(kTenant, {}, 0, kNow + 1);
  REQUIRE(st.ok());
  CHECK(st->streams == 3);
  CHECK(st->entries == 6 + 1 + 2);
}

TEST_CASE("label names and values are the union") {
  Rig rig;
  auto names = rig.reader->LabelNames(kTenant, {}, 0, kNow + 1);
  REQUIRE(names.ok());
  CHECK(*names == std::vector<std::string>{"app", "env"});
  auto values = rig.reader->LabelValues(kTenant, "app", {}, 0, kNow + 1);
  REQUIRE(values.ok());
  CHECK(*values == std::vector<std::string>{"a", "b", "c"});
  auto env = rig.reader->LabelValues(kTenant, "env", {}, 0, kNow + 1);
  REQUIRE(env.ok());
  CHECK(*env == std::vector<std::string>{"dev"});
}

TEST_CASE("a write node that is down fails the query naming it, or is left out when tolerated") {
  for (bool tolerate : {false, true}) {
    INFO("tolerate " << tolerate);
    Rig rig(tolerate);
    auto s = rig.reader->Streams(kTenant, {}, 0, kNow + 1);
    REQUIRE(s.ok());
    const uint64_t a = IdOf(*s, R"({app="a"})");
    const std::string down = rig.w2.url();
    rig.w2.server.Stop();
    auto again = rig.reader->Streams(kTenant, {}, 0, kNow + 1);
    auto it = rig.reader->Entries(kTenant, a, 0, kNow + 1, Direction::kForward);
    int n = 0;
    while (it->Next()) n++;
    if (!tolerate) {
      REQUIRE_FALSE(again.ok());
      CHECK(again.status().code() == Code::kUnavailable);
      CHECK(again.status().message().find(down) != std::string::npos);
      CHECK(it->status().code() == Code::kUnavailable);
      CHECK(it->status().message().find(down) != std::string::npos);
    } else {
      REQUIRE(again.ok());
      CHECK(again->size() == 2);          // {app="b"} lived only on the node that is down
      CHECK(it->status().ok());
      CHECK(n == 5);                      // a5 was only there
    }
    CHECK(rig.registry.Expose().find("skald_cluster_peer_failures_total") != std::string::npos);
    CHECK(rig.registry.Expose().find("loki_ingester_client_request_duration_seconds_bucket") != std::string::npos);
  }
}

}  // namespace
}  // namespace skald::cluster
