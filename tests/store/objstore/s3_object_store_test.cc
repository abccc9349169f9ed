// S3ObjectStore against a real S3 server (Ceph radosgw via scripts/s3-server.sh, or the one named
// by SKALD_TEST_S3_*; tests/s3_server.h): put/get ranges/head/list pages/delete, multipart,
// several buckets, bucket creation, errors, metrics, threads.
#include "store/objstore/s3_object_store.h"

#include <catch.hpp>

#include <atomic>
#include <fstream>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "store/objstore/sigv4.h"
#include "tests/s3_server.h"
#include "tests/test_support.h"

using namespace skald;
using namespace skald::objstore;
using skald::testing::TestS3Server;
using skald::test_support::ScratchDir;

namespace {

// A validated config for fresh bucket(s) on the test server; false (test skipped) without one.
bool FreshConfig(S3Config* c, int buckets = 1) {
  TestS3Server& srv = TestS3Server::Get();
  if (!srv.Available()) return false;
  std::string names;
  for (int i = 0; i < buckets; ++i) names += fmt::format("{}{}", i > 0 ? "," : "", srv.NewBucket("objstore"));
  c->endpoint = srv.endpoint();
  c->region = srv.region();
  c->bucketnames = names;
  c->access_key_id = srv.access_key();
  c->secret_access_key = srv.secret_key();
  c->s3forcepathstyle = true;
  c->backoff_config.min_period_ns = 10'000'000;
  c->backoff_config.max_period_ns = 100'000'000;
  c->backoff_config.max_retries = 3;
  const Status s = ValidateS3Config(c, "storage_config.aws");
  INFO(s.message());
  REQUIRE(s.ok());
  return true;
}

struct Bucket {
  metrics::Registry registry;
  std::unique_ptr<S3ObjectStore> store;
  explicit Bucket(S3Config cfg) {
    auto s = S3ObjectStore::Open(std::move(cfg), &registry);
    REQUIRE(s.ok());
    store = std::move(s.value());
  }
};

std::string Random(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("s3 object store puts, gets ranges, heads and deletes on a real server") {
  S3Config cfg;
  if (!FreshConfig(&cfg)) return;
  Bucket b(cfg);
  S3ObjectStore& s = *b.store;
  const std::string data = Random(100'000, 1);
  const std::string key = "fake/chunks/a b+c=d&e%f~ü.txt";  // every encoding rule at once
  REQUIRE(s.Put(key, data).ok());
  std::string out;
  REQUIRE(s.Get(key, 0, UINT64_MAX, &out).ok());
  CHECK(out == data);
  REQUIRE(s.Get(key, 1000, 10, &out).ok());
  CHECK(out == data.substr(1000, 10));
  REQUIRE(s.Get(key, 99'990, 100, &out).ok());
  CHECK(out == data.substr(99'990));
  REQUIRE(s.Get(key, 50'000, UINT64_MAX, &out).ok());
  CHECK(out == data.substr(50'000));
  REQUIRE(s.Get(key, 100'000, 10, &out).ok());  // at the end: empty, not an error
  CHECK(out.empty());
  auto h = s.Head(key);
  REQUIRE(h.ok());
  CHECK(h->size == data.size());
  CHECK(h->etag.size() == 32);
  CHECK(h->mtime_ns > 0);
  CHECK(s.Head("fake/none").status().code() == Code::kNotFound);
  CHECK(s.Get("fake/none", 0, 1, &out).code() == Code::kNotFound);
  REQUIRE(s.Put("fake/empty", "").ok());
  REQUIRE(s.Get("fake/empty", 0, UINT64_MAX, &out).ok());
  CHECK(out.empty());
  REQUIRE(s.Delete(key).ok());
  REQUIRE(s.Delete(key).ok());  // deleting a missing key is Ok
  CHECK(s.Head(key).status().code() == Code::kNotFound);
  const std::string m = b.registry.Expose();
  CHECK(m.find("loki_s3_request_duration_seconds_count{operation=\"S3.PutObject\",status_code=\"200\"} 2") !=
        std::string::npos);
  CHECK(m.find("operation=\"S3.HeadObject\",status_code=\"404\"") != std::string::npos);
  CHECK(s.Describe().find("s3://objstore-") == 0);
}

TEST_CASE("s3 object store lists every page in key order") {
  S3Config cfg;
  if (!FreshConfig(&cfg)) return;
  cfg.list_max_keys = 7;
  Bucket b(cfg);
  std::vector<std::thread> threads;
  std::atomic<int> failed{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < 40; i += 4) {
        if (!b.store->Put(fmt::format("idx/{:03}", i), std::to_string(i)).ok()) failed++;
      }
    });
  }
  for (auto& th : threads) th.join();
  REQUIRE(failed == 0);
  REQUIRE(b.store->Put("other/x", "x").ok());
  auto list = b.store->List("idx/");
  REQUIRE(list.ok());
  REQUIRE(list->size() == 40);
  for (int i = 0; i < 40; ++i) CHECK((*list)[i].key == fmt::format("idx/{:03}", i));
  CHECK((*list)[12].size == 2);
  CHECK(b.store->List("")->size() == 41);
  CHECK(b.store->List("nothing/")->empty());
  CHECK(b.registry.Expose().find("loki_s3_request_duration_seconds_count{operation=\"S3.List\",status_code=\"200\"} 13") !=
        std::string::npos);  // 40 keys: 6 pages, 41 keys: 6 pages, none: 1 page
}

TEST_CASE("s3 object store lists more than 1000 keys with the default page size") {
  S3Config cfg;
  if (!FreshConfig(&cfg)) return;
  Bucket b(cfg);
  std::vector<std::thread> threads;
  std::atomic<int> failed{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < 1005; i += 8) {
        if (!b.store->Put(fmt::format("k/{:05}", i), "").ok()) failed++;
      }
    });
  }
  for (auto& th : threads) th.join();
  REQUIRE(failed == 0);
  auto list = b.store->List("k/");
  REQUIRE(list.ok());
  REQUIRE(list->size() == 1005);
  CHECK(list->back().key == "k/01004");
}

TEST_CASE("s3 object store uploads a large file in parts and downloads it to a file") {
  S3Config cfg;
  if (!FreshConfig(&cfg)) return;
  cfg.part_size = 5ull << 20;
  Bucket b(cfg);
  ScratchDir dir("objstore-s3");
  const std::string data = Random((40ull << 20) + 12345, 7);
  std::ofstream(dir.path + "/seg.bin", std::ios::binary) << data;
  REQUIRE(b.store->PutFile("segments/seg-1", dir.path + "/seg.bin").ok());
  auto h = b.store->Head("segments/seg-1");
  REQUIRE(h.ok());
  CHECK(h->size == data.size());
  CHECK(h->etag.ends_with("-9"));  // a multipart ETag: md5-of-md5s "-" part count
  REQUIRE(b.store->GetFile("segments/seg-1", dir.path + "/back.bin").ok());
  CHECK(Sha256HexOf(ReadFile(dir.path + "/back.bin")) == Sha256HexOf(data));
  std::string out;
  REQUIRE(b.store->Get("segments/seg-1", (5ull << 20) - 5, 10, &out).ok());  // across a part boundary
  CHECK(out == data.substr((5ull << 20) - 5, 10));
  const std::string m = b.registry.Expose();
  CHECK(m.find("loki_s3_request_duration_seconds_count{operation=\"S3.UploadPart\",status_code=\"200\"} 9") !=
        std::string::npos);
  CHECK(m.find("operation=\"S3.CompleteMultipartUpload\",status_code=\"200\"") != std::string::npos);

  // A small file goes up in one PUT.
  std::ofstream(dir.path + "/small.bin", std::ios::binary) << "small";
  REQUIRE(b.store->PutFile("segments/small", dir.path + "/small.bin").ok());
  CHECK(b.store->Head("segments/small")->etag.find('-') == std::string::npos);
  CHECK(b.store->GetFile("segments/none", dir.path + "/none.bin").code() == Code::kNotFound);
  CHECK_FALSE(std::filesystem::exists(dir.path + "/none.bin.tmp"));
}

TEST_CASE("s3 object store spreads keys over several buckets and lists them merged") {
  S3Config cfg;
  if (!FreshConfig(&cfg, 2)) return;
  REQUIRE(cfg.buckets.size() == 2);
  Bucket b(cfg);
  for (int i = 0; i < 20; ++i) REQUIRE(b.store->Put(fmt::format("c/{:02}", i), "x").ok());
  auto list = b.store->List("c/");
  REQUIRE(list.ok());
  REQUIRE(list->size() == 20);
  CHECK(std::is_sorted(list->begin(), list->end(),
                       [](const ObjectInfo& x, const ObjectInfo& y) { return x.key < y.key; }));
  // Each bucket alone holds only its share.
  S3Config one = cfg;
  one.bucketnames = cfg.buckets[0];
  REQUIRE(ValidateS3Config(&one, "storage_config.aws").ok());
  auto only = S3ObjectStore::Open(one, nullptr);
  REQUIRE(only.ok());
  auto part = (*only)->List("c/");
  REQUIRE(part.ok());
  CHECK(part->size() > 0);
  CHECK(part->size() < 20);
}

TEST_CASE("s3 object store reports bad credentials and a missing bucket clearly") {
  S3Config good;
  if (!FreshConfig(&good)) return;
  S3Config bad_secret = good;
  bad_secret.secret_access_key = "wrong";
  auto s1 = S3ObjectStore::Open(bad_secret, nullptr);
  REQUIRE(s1.ok());
  Status st = (*s1)->Put("k", "v");
  INFO(st.message());
  CHECK(st.code() == Code::kIOError);
  CHECK(st.message().find("SignatureDoesNotMatch") != std::string::npos);
  CHECK(st.message().find("check access_key_id and secret_access_key") != std::string::npos);

  S3Config bad_key = good;
  bad_key.access_key_id = "NOSUCHKEY";
  auto s2 = S3ObjectStore::Open(bad_key, nullptr);
  REQUIRE(s2.ok());
  st = (*s2)->Put("k", "v");
  INFO(st.message());
  CHECK(st.message().find("InvalidAccessKeyId") != std::string::npos);

  S3Config missing = good;
  missing.bucketnames = "skald-no-such-bucket";
  REQUIRE(ValidateS3Config(&missing, "storage_config.aws").ok());
  auto s3 = S3ObjectStore::Open(missing, nullptr);
  REQUIRE(s3.ok());
  std::string out;
  st = (*s3)->Get("k", 0, 1, &out);
  INFO(st.message());
  CHECK(st.code() == Code::kIOError);  // not NotFound: the bucket, not the key, is missing
  CHECK(st.message().find("NoSuchBucket") != std::string::npos);
  CHECK(st.message().find("skald-no-such-bucket") != std::string::npos);
  CHECK((*s3)->List("").status().message().find("NoSuchBucket") != std::string::npos);
}

TEST_CASE("s3 object store serves many threads over its connection pool") {
  S3Config cfg;
  if (!FreshConfig(&cfg)) return;
  Bucket b(cfg);
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        const std::string key = fmt::format("t{}/{}", t, i), data = Random(1000 + i, t * 100 + i);
        std::string out;
        if (!b.store->Put(key, data).ok() || !b.store->Get(key, 0, UINT64_MAX, &out).ok() || out != data) wrong++;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(wrong == 0);
}

TEST_CASE("s3 object store creates its buckets") {
  S3Config cfg;
  if (!FreshConfig(&cfg)) return;
  Bucket existing(cfg);
  REQUIRE(existing.store->CreateBuckets().ok());  // already there and ours: Ok
  cfg.bucketnames = cfg.buckets[0] + "-new";
  REQUIRE(ValidateS3Config(&cfg, "storage_config.aws").ok());
  Bucket fresh(cfg);
  std::string out;
  CHECK(fresh.store->Get("k", 0, UINT64_MAX, &out).message().find("NoSuchBucket") != std::string::npos);
  REQUIRE(fresh.store->CreateBuckets().ok());
  REQUIRE(fresh.store->Put("k", "v").ok());
  REQUIRE(fresh.store->Get("k", 0, UINT64_MAX, &out).ok());
  CHECK(out == "v");
}
