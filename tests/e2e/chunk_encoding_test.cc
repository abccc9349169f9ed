// ingester.chunk_encoding end to end: a store writes lz4 chunks, is restarted with zstd and writes
// zstd chunks beside them; the chunk files carry both versions and every acknowledged line of both
// comes back exactly once, by line queries and by counts.
#include <catch.hpp>
#include <httplib.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "tests/e2e/store_under_test.h"

using namespace skald::e2e;

namespace {

// The chunk header versions found in every chunk segment file under `chunks` (FORMAT.md: a 16-byte
// file header, then chunks of a 56-byte fixed header, 40 bytes per block meta, a CRC, the blocks).
std::multiset<int> ChunkVersions(const std::string& chunks) {
  std::multiset<int> out;
  for (const auto& f : std::filesystem::recursive_directory_iterator(chunks)) {
    if (f.path().extension() != ".skc") continue;
    std::ifstream in(f.path(), std::ios::binary);
    std::string b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (size_t at = 16; at + 56 <= b.size();) {
      REQUIRE(b.compare(at, 4, "SKCH") == 0);
      uint16_t version;
      uint32_t nblocks;
      std::memcpy(&version, b.data() + at + 4, 2);
      std::memcpy(&nblocks, b.data() + at + 48, 4);
      size_t next = at + 56 + 40 * size_t{nblocks} + 4;
      for (uint32_t i = 0; i < nblocks; ++i) {
        uint32_t comp_len;
        std::memcpy(&comp_len, b.data() + at + 56 + 40 * i, 4);
        next += comp_len;
      }
      out.insert(version);
      at = next;
    }
  }
  return out;
}

void PushRound(StoreUnderTest& store, const std::string& suffix, int64_t base_ns, std::atomic<int>& next_id,
               std::set<int>* acked) {
  httplib::Client cli(store.url());
  std::mutex mu;
  for (int i = 0; i < 20; ++i) {
    std::vector<int> ids;
    std::string body = IdBatchBody("enc", 200, suffix + " some text that compresses well, repeated", base_ns,
                                   next_id, &ids);
    REQUIRE(PushAcked(cli, body, ids, acked, &mu));
  }
}

}  // namespace

TEST_CASE("chunk_encoding: lz4 chunks stay readable after switching to zstd", "[e2e][chunk]") {
  TempDir dir("skald-chunk-enc");
  StoreUnderTest store(dir.path());
  const std::string data = dir.path() + "/data";
  const int64_t base_ns = NowNs() - 600'000'000'000LL;
  std::atomic<int> next_id{0};
  std::set<int> acked;

  store.Configure(data, false, "ingester:\n  chunk_encoding: lz4\n");
  REQUIRE(store.Start());
  PushRound(store, " lz4", base_ns, next_id, &acked);
  REQUIRE(store.Stop() == 0);   // a graceful stop seals every head into chunks
  std::multiset<int> v1 = ChunkVersions(data + "/chunks");
  REQUIRE(v1.count(1) > 0);
  CHECK(v1.count(2) == 0);

  store.Configure(data, false, "ingester:\n  chunk_encoding: zstd\n");
  REQUIRE(store.Start());
  PushRound(store, " zstd", base_ns, next_id, &acked);
  REQUIRE(store.Stop() == 0);
  std::multiset<int> v2 = ChunkVersions(data + "/chunks");
  CHECK(v2.count(1) == v1.count(1));   // the lz4 chunks were not rewritten
  CHECK(v2.count(2) > 0);

  REQUIRE(store.Start());
  httplib::Client cli(store.url());
  std::map<int, int> seen = SeenIds(cli, "{job=\"enc\"}", base_ns - 1, NowNs());
  IdLoss loss = CompareIds(acked, seen);
  INFO("acked " << acked.size() << " seen " << seen.size());
  CHECK(acked.size() == 16000);   // 2 rounds of 20 pushes of 2 streams of 200 lines
  CHECK(loss.missing == 0);
  CHECK(loss.dups == 0);

  // Counts from block metadata and from block prefixes (a window edge cuts blocks) agree with it.
  for (const char* q : {"sum(count_over_time({job=\"enc\"}[1h]))", "sum(count_over_time({job=\"enc\"} |= \"zstd\" [1h]))"}) {
    INFO(q);
    auto r = cli.Get("/loki/api/v1/query?query=" + httplib::detail::encode_query_param(q));
    REQUIRE(r);
    REQUIRE(r->status == 200);
    const char* want = std::strstr(q, "zstd") != nullptr ? "\"8000\"" : "\"16000\"";
    CHECK(r->body.find(want) != std::string::npos);
  }
  CHECK(store.Stop() == 0);
}
