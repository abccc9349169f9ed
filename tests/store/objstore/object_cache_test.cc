// ObjectCache over a real FsObjectStore: page-aligned fetches (adjacent misses in one GET), LRU
// eviction under max_bytes, restart with torn and corrupted page files, single-flight misses.
#include "store/objstore/object_cache.h"

#include <catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "store/objstore/fs_object_store.h"
#include "tests/test_support.h"

using namespace skald;
using namespace skald::objstore;
using skald::test_support::ScratchDir;

namespace {

constexpr uint64_t kPage = 4096;
constexpr uint64_t kPageFile = kPage + 20;

// Delegates to a real store, counting Gets (and optionally slowing them to widen races).
class CountingStore : public ObjectStore {
 public:
  explicit CountingStore(ObjectStore* inner) : inner_(inner) {}
  Status Put(const std::string& k, const std::string& d) override { return inner_->Put(k, d); }
  Status PutFile(const std::string& k, const std::string& p) override { return inner_->PutFile(k, p); }
  Status Get(const std::string& k, uint64_t off, uint64_t n, std::string* out) override {
    gets++;
    if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    return inner_->Get(k, off, n, out);
  }
  Status GetFile(const std::string& k, const std::string& p) override { return inner_->GetFile(k, p); }
  Result<ObjectInfo> Head(const std::string& k) override { return inner_->Head(k); }
  Result<std::vector<ObjectInfo>> List(const std::string& p) override { return inner_->List(p); }
  Status Delete(const std::string& k) override { return inner_->Delete(k); }
  std::string Describe() const override { return inner_->Describe(); }
  std::atomic<int> gets{0};
  int delay_ms = 0;

 private:
  ObjectStore* inner_;
};

std::string Pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 31 + i / 4096) % 26);
  return s;
}

struct Fixture {
  ScratchDir dir{"objstore-cache"};
  std::unique_ptr<FsObjectStore> fs;
  std::unique_ptr<CountingStore> counting;
  metrics::Registry registry;
  std::string object = Pattern(10 * kPage + 100);

  Fixture() {
    auto opened = FsObjectStore::Open(dir.path + "/bucket");
    REQUIRE(opened.ok());
    fs = std::move(opened.value());
    counting = std::make_unique<CountingStore>(fs.get());
    REQUIRE(fs->Put("fake/chunk1", object).ok());
  }
  std::unique_ptr<ObjectCache> Open(uint64_t max_bytes = 1 << 30) {
    ObjectCacheOptions o;
    o.dir = dir.path + "/cache";
    o.max_bytes = max_bytes;
    o.page_size = kPage;
    auto c = ObjectCache::Open(counting.get(), o, &registry);
    REQUIRE(c.ok());
    return std::move(*c);
  }
};

}  // namespace

TEST_CASE("object cache serves ranges and fetches adjacent missing pages in one GET") {
  Fixture f;
  auto cache = f.Open();
  std::string out;
  REQUIRE(cache->Read("fake/chunk1", 100, 5000, &out).ok());  // pages 0 and 1
  CHECK(out == f.object.substr(100, 5000));
  CHECK(f.counting->gets == 1);
  CHECK(cache->pages() == 2);
  REQUIRE(cache->Read("fake/chunk1", 4000, 200, &out).ok());  // both cached
  CHECK(out == f.object.substr(4000, 200));
  CHECK(f.counting->gets == 1);
  REQUIRE(cache->Read("fake/chunk1", 0, UINT64_MAX, &out).ok());  // pages 2..10 in one run
  CHECK(out == f.object);
  CHECK(f.counting->gets == 2);
  CHECK(cache->pages() == 11);
  CHECK(cache->bytes() == 10 * kPageFile + 20 + 100);
  REQUIRE(cache->Read("fake/chunk1", f.object.size() - 50, 1000, &out).ok());  // short at the end
  CHECK(out == f.object.substr(f.object.size() - 50));
  REQUIRE(cache->Read("fake/chunk1", f.object.size() + 10, 10, &out).ok());  // past the end
  CHECK(out.empty());
  CHECK(cache->Read("fake/missing", 0, 10, &out).code() == Code::kNotFound);
  const std::string m = f.registry.Expose();
  CHECK(m.find("loki_cache_hits{name=\"chunks\"}") != std::string::npos);
  CHECK(m.find("loki_cache_fetched_keys{name=\"chunks\"}") != std::string::npos);
  CHECK(m.find("skald_objstore_cache_bytes{name=\"chunks\"} 41280") != std::string::npos);
}

TEST_CASE("object cache evicts least recently used pages over max_bytes") {
  Fixture f;
  auto cache = f.Open(3 * kPageFile);
  std::string out;
  REQUIRE(cache->Read("fake/chunk1", 0, kPage, &out).ok());          // page 0
  REQUIRE(cache->Read("fake/chunk1", kPage, kPage, &out).ok());      // page 1
  REQUIRE(cache->Read("fake/chunk1", 2 * kPage, kPage, &out).ok());  // page 2
  REQUIRE(cache->Read("fake/chunk1", 0, 10, &out).ok());             // page 0 used again
  CHECK(f.counting->gets == 3);
  REQUIRE(cache->Read("fake/chunk1", 3 * kPage, kPage, &out).ok());  // page 3 evicts page 1
  CHECK(cache->pages() == 3);
  CHECK(cache->bytes() <= 3 * kPageFile);
  REQUIRE(cache->Read("fake/chunk1", 0, 10, &out).ok());
  CHECK(f.counting->gets == 4);  // page 0 still cached
  REQUIRE(cache->Read("fake/chunk1", kPage, 10, &out).ok());
  CHECK(f.counting->gets == 5);  // page 1 was evicted
  CHECK(out == f.object.substr(kPage, 10));
  CHECK(f.registry.Expose().find("skald_objstore_cache_evicted_pages_total{name=\"chunks\"} 2") !=
        std::string::npos);
}

TEST_CASE("object cache survives a restart and never serves a torn or corrupted page") {
  Fixture f;
  std::string out;
  {
    auto cache = f.Open();
    REQUIRE(cache->Read("fake/chunk1", 0, 3 * kPage, &out).ok());
    CHECK(f.counting->gets == 1);
  }
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(f.dir.path + "/cache/v1")) {
    if (e.is_regular_file()) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() == 3);
  REQUIRE(files[0].string().ends_with(".0000000000000000"));
  std::filesystem::resize_file(files[1], kPageFile - 7);  // torn: dropped at open
  {
    std::fstream io(files[2], std::ios::in | std::ios::out | std::ios::binary);
    io.seekp(100);
    io.put('#');  // corrupted: same length, caught by the CRC at read
  }
  std::ofstream(f.dir.path + "/cache/v1/tmp/999.1") << "leftover";
  auto cache = f.Open();
  CHECK(cache->pages() == 2);
  CHECK(std::filesystem::is_empty(f.dir.path + "/cache/v1/tmp"));
  REQUIRE(cache->Read("fake/chunk1", 0, kPage, &out).ok());
  CHECK(out == f.object.substr(0, kPage));
  CHECK(f.counting->gets == 1);  // page 0 came from disk
  REQUIRE(cache->Read("fake/chunk1", 0, 3 * kPage, &out).ok());
  CHECK(out == f.object.substr(0, 3 * kPage));
  CHECK(f.counting->gets == 3);  // pages 1 (torn) and 2 (corrupt) fetched again
  CHECK(f.registry.Expose().find("skald_objstore_cache_corrupt_pages_total{name=\"chunks\"} 1") !=
        std::string::npos);
}

TEST_CASE("object cache fetches a page once for concurrent misses") {
  Fixture f;
  f.counting->delay_ms = 150;
  auto cache = f.Open();
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      std::string out;
      const uint64_t off = static_cast<uint64_t>(t) * 10;
      if (!cache->Read("fake/chunk1", off, 2 * kPage - 100, &out).ok() ||
          out != f.object.substr(off, 2 * kPage - 100)) {  // pages 0 and 1 for every thread
        wrong++;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(wrong == 0);
  CHECK(f.counting->gets == 1);
}

TEST_CASE("object cache invalidates an object's pages") {
  Fixture f;
  auto cache = f.Open();
  std::string out;
  REQUIRE(f.fs->Put("fake/chunk2", "other object").ok());
  REQUIRE(cache->Read("fake/chunk1", 0, 2 * kPage, &out).ok());
  REQUIRE(cache->Read("fake/chunk2", 0, 5, &out).ok());
  CHECK(cache->pages() == 3);
  cache->Invalidate("fake/chunk1");
  CHECK(cache->pages() == 1);
  CHECK(cache->bytes() == kPageFile - kPage + 12);
  REQUIRE(cache->Read("fake/chunk2", 0, 5, &out).ok());
  CHECK(out == "other");
  CHECK(f.counting->gets == 2);
  REQUIRE(cache->Read("fake/chunk1", 0, 10, &out).ok());
  CHECK(f.counting->gets == 3);
}

TEST_CASE("object cache reads ahead within one GET and serves warm pages from memory") {
  Fixture f;
  ObjectCacheOptions o;
  o.dir = f.dir.path + "/cache";
  o.page_size = kPage;
  o.max_run_pages = 4;
  o.readahead_pages = 3;
  o.memory_bytes = 2 * kPage;   // two decoded pages in memory
  auto c = ObjectCache::Open(f.counting.get(), o, &f.registry);
  REQUIRE(c.ok());
  auto& cache = **c;
  std::string out;
  REQUIRE(cache.Read("fake/chunk1", 10, 20, &out).ok());   // page 0 asked, 1..3 read ahead
  CHECK(out == f.object.substr(10, 20));
  CHECK(f.counting->gets == 1);
  CHECK(cache.pages() == 4);
  REQUIRE(cache.Read("fake/chunk1", 3 * kPage + 5, 2 * kPage, &out).ok());   // 3 cached, 4..7 one GET
  CHECK(out == f.object.substr(3 * kPage + 5, 2 * kPage));
  CHECK(f.counting->gets == 2);
  // Warm reads give the same bytes whether the page comes from memory or (evicted from the
  // two-page hot set) from its file; a damaged file is still caught when read from disk.
  for (uint64_t off : std::vector<uint64_t>{0, 5 * kPage, 0, 2 * kPage + 7, 4 * kPage + 1}) {
    REQUIRE(cache.Read("fake/chunk1", off, 300, &out).ok());
    CHECK(out == f.object.substr(off, 300));
  }
  CHECK(f.counting->gets == 2);
  cache.Invalidate("fake/chunk1");   // drops the memory copies too
  REQUIRE(f.fs->Put("fake/chunk1", std::string(f.object.size(), 'z')).ok());   // (objects never change; here it tells)
  REQUIRE(cache.Read("fake/chunk1", 0, 10, &out).ok());
  CHECK(out == std::string(10, 'z'));
}

TEST_CASE("object cache fetches again a page whose file vanished instead of retrying it forever") {
  Fixture f;
  ObjectCacheOptions o;
  o.dir = f.dir.path + "/cache";
  o.page_size = kPage;
  o.memory_bytes = 0;
  auto c = ObjectCache::Open(f.counting.get(), o, &f.registry);
  REQUIRE(c.ok());
  std::string out;
  REQUIRE((*c)->Read("fake/chunk1", 0, 10, &out).ok());
  CHECK(f.counting->gets == 1);
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(o.dir, ec))
    if (e.is_regular_file() && e.path().parent_path().filename() != "tmp") std::filesystem::remove(e.path(), ec);
  REQUIRE((*c)->Read("fake/chunk1", 0, 10, &out).ok());   // returns (the test would hang otherwise)
  CHECK(out == f.object.substr(0, 10));
  CHECK(f.counting->gets == 2);
}

TEST_CASE("object cache reads equal the backend's bytes for random ranges, several threads, tiny budgets") {
  Fixture f;
  std::mt19937_64 rng(7);
  std::vector<std::pair<std::string, std::string>> objs;
  for (uint64_t sz : std::vector<uint64_t>{0, 1, kPage - 1, kPage, kPage + 1, 2 * kPage, 10 * kPage, 16 * kPage + 1}) {
    std::string data(sz, '\0');
    for (auto& ch : data) ch = static_cast<char>(rng());
    std::string key = "chunks/o" + std::to_string(sz);
    REQUIRE(f.fs->Put(key, data).ok());
    objs.emplace_back(key, data);
  }
  ObjectCacheOptions o;
  o.dir = f.dir.path + "/cache";
  o.page_size = kPage;
  o.max_run_pages = 4;
  o.readahead_pages = 3;
  o.memory_bytes = 3 * kPage;
  o.max_bytes = 6 * kPageFile;
  auto c = ObjectCache::Open(f.fs.get(), o, nullptr);
  REQUIRE(c.ok());
  std::atomic<int> bad{0};
  auto worker = [&](uint64_t seed) {
    std::mt19937_64 r(seed);
    for (int i = 0; i < 2000; ++i) {
      const auto& [key, data] = objs[r() % objs.size()];
      const uint64_t off = r() % (data.size() + 2 * kPage);
      const uint64_t n = (r() % 5 == 0) ? UINT64_MAX : r() % (5 * kPage);
      std::string got;
      Status s = (*c)->Read(key, off, n, &got);
      const std::string want = off >= data.size() ? std::string() : data.substr(off, n == UINT64_MAX ? std::string::npos : n);
      // A Get from past the end is the backend's to refuse; reads within the object must match.
      if (off < data.size() && (!s.ok() || got != want)) bad++;
    }
  };
  std::vector<std::thread> ts;
  for (uint64_t t = 0; t < 4; ++t) ts.emplace_back(worker, 100 + t);
  for (auto& t : ts) t.join();
  CHECK(bad.load() == 0);
}
