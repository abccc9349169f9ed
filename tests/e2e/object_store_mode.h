// Object storage in the end-to-end tests (issue #22): the YAML that puts a store's data in a real S3
// bucket (radosgw), and the "e2e-s3: " ctest variant of the API and LogQL tests, whose stores keep
// chunks and index in a bucket when SKALD_E2E_OBJECT_STORE=s3.
#pragma once

#include <string>
#include <vector>

#include <httplib.h>

namespace skald::testing {
class TestS3Server;
}

namespace skald::e2e {

// The top-level sections that keep a store's chunks and index in `bucket` on `s3`:
// schema_config (object_store: s3), storage_config.aws, 1s upload and resync intervals.
std::string BucketYaml(const testing::TestS3Server& s3, const std::string& bucket);
// A node of a cluster over that bucket: its target, node id, the write nodes it fans out to, and
// chunks cut after 1-2 s (so data reaches the bucket within a test), followed by `bucket_yaml`.
std::string NodeYaml(const std::string& target, const std::string& node, const std::string& bucket_yaml,
                     const std::vector<std::string>& write_nodes = {});

// True when SKALD_E2E_OBJECT_STORE=s3 (tests/CMakeLists.txt sets it for the "e2e-s3: " runs).
bool ObjectStoreMode();

// In that mode, the top-level YAML sections that put a target=all store's data in a real S3 bucket
// (tests/s3_server.h): one fresh bucket per path_prefix, so a restart over the same data finds its
// bucket again; 1s upload and resync intervals. "" otherwise. REQUIREs a reachable S3 server.
std::string ObjectStoreYaml(const std::string& path_prefix);

// In that mode: POST /flush, then wait (at most 30 s) until the shipper has uploaded segments and no
// local chunk segment (*.skc) is left under <path_prefix>/chunks, so that every read of flushed data
// goes to the bucket. REQUIREs both. Does nothing otherwise.
void SettleInBucket(int port, const std::string& path_prefix);

// In that mode: CHECKs that the store read chunk pages from the bucket, i.e. its chunk cache was asked
// for keys it did not hold (loki_cache_fetched_keys{name="chunks"} > loki_cache_hits{name="chunks"}).
// Does nothing otherwise.
void CheckReadsHitBucket(int port);

// The value of the first /metrics sample whose name and labels are exactly `series`
// (e.g. `loki_cache_hits{name="chunks"}`); -1 when absent. REQUIREs /metrics to answer 200.
double MetricValue(int port, const std::string& series);

}  // namespace skald::e2e
