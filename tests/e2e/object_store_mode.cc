// The object-storage variant of the e2e store tests: bucket YAML, waiting for flushed chunks to move
// to the bucket, and the proof that reads went there (see object_store_mode.h).
#include "tests/e2e/object_store_mode.h"

#include <catch.hpp>
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "tests/s3_server.h"

namespace skald::e2e {

namespace {

using skald::testing::TestS3Server;

// Regular files named *.skc under `root`: local chunk segments not shipped and removed yet.
int LocalSegments(const std::string& root) {
  std::error_code ec;
  int n = 0;
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec) && it->path().extension() == ".skc") ++n;
  }
  return n;
}

}  // namespace

std::string BucketYaml(const TestS3Server& s3, const std::string& bucket) {
  return fmt::format(R"(schema_config:
  configs:
    - from: 2020-01-01
      store: tsdb
      object_store: s3
      schema: v13
      index: {{prefix: index_, period: 24h}}
storage_config:
  aws:
    endpoint: {}
    bucketnames: {}
    region: {}
    access_key_id: {}
    secret_access_key: {}
    s3forcepathstyle: true
    insecure: true
  tsdb_shipper:
    resync_interval: 1s
skald_object_store:
  upload_interval: 1s
)", s3.endpoint(), bucket, s3.region(), s3.access_key(), s3.secret_key());
}

std::string NodeYaml(const std::string& target, const std::string& node, const std::string& bucket_yaml,
                     const std::vector<std::string>& write_nodes) {
  std::string peers;
  for (const auto& w : write_nodes) peers += (peers.empty() ? "" : ", ") + ("\"" + w + "\"");
  return fmt::format("target: {}\nskald_cluster:\n  node_id: {}\n  write_nodes: [{}]\n", target, node, peers) +
         "ingester:\n  chunk_idle_period: 1s\n  max_chunk_age: 2s\n" + bucket_yaml;
}

bool ObjectStoreMode() {
  const char* v = std::getenv("SKALD_E2E_OBJECT_STORE");
  return v != nullptr && std::string(v) == "s3";
}

std::string ObjectStoreYaml(const std::string& path_prefix) {
  if (!ObjectStoreMode()) return "";
  static std::mutex mu;
  static std::map<std::string, std::string> buckets;   // path_prefix -> its bucket
  auto& s3 = TestS3Server::Get();
  REQUIRE(s3.Available());
  std::string bucket;
  {
    std::lock_guard<std::mutex> l(mu);
    auto [it, fresh] = buckets.emplace(path_prefix, "");
    if (fresh) it->second = s3.NewBucket("skald-e2e");
    bucket = it->second;
  }
  return "target: all\n" + BucketYaml(s3, bucket);
}

double MetricValue(int port, const std::string& series) {
  httplib::Client cli("127.0.0.1", port);
  auto res = cli.Get("/metrics");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  std::istringstream in(res->body);
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 && line[series.size()] == ' ')
      return std::stod(line.substr(series.size() + 1));
  }
  return -1;
}

void SettleInBucket(int port, const std::string& path_prefix) {
  if (!ObjectStoreMode()) return;
  httplib::Client cli("127.0.0.1", port);
  cli.set_read_timeout(30, 0);
  auto res = cli.Post("/flush", "", "text/plain");
  REQUIRE(res);
  REQUIRE(res->status == 204);
  const std::string root = path_prefix + "/chunks";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  double uploaded = 0;
  int local = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    uploaded = MetricValue(port, "skald_shipper_segments_uploaded_total");
    local = LocalSegments(root);
    if (uploaded > 0 && local == 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  INFO("segments uploaded " << uploaded << ", local segments left under " << root << ": " << local);
  FAIL("flushed chunks did not move to the bucket within 30 s");
}

void CheckReadsHitBucket(int port) {
  if (!ObjectStoreMode()) return;
  const double fetched = MetricValue(port, R"(loki_cache_fetched_keys{name="chunks"})");
  const double hits = MetricValue(port, R"(loki_cache_hits{name="chunks"})");
  INFO("chunk cache: fetched keys " << fetched << ", hits " << hits);
  CHECK(fetched > 0);
  CHECK(fetched > hits);
}

}  // namespace skald::e2e
