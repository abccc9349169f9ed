// S3Config: Loki 2.9's `storage_config.aws` / `common.storage.s3` block (same keys in both), its
// YAML schema for the config walker, and the validation that turns it into a usable target.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/config_yaml.h"
#include "common/status.h"

namespace skald::objstore {

struct S3HttpConfig {
  int64_t idle_conn_timeout_ns = 90'000'000'000;  // Loki default 1m30s
  int64_t response_header_timeout_ns = 0;         // 0: no limit (Loki's default)
  bool insecure_skip_verify = false;
  std::string ca_file;
};

struct S3SseConfig {
  std::string type;  // "", "SSE-S3" or "SSE-KMS"
  std::string kms_key_id;
  std::string kms_encryption_context;  // JSON, sent base64-encoded
};

struct S3BackoffConfig {
  int64_t min_period_ns = 100'000'000;    // 100ms
  int64_t max_period_ns = 3'000'000'000;  // 3s
  int max_retries = 5;                    // attempts in all, as dskit's backoff counts them
};

struct S3Config {
  // Loki's keys.
  std::string s3;  // "s3://[key:secret@]region-or-endpoint/bucket"; fills the keys left empty
  std::string endpoint;  // "host[:port]" or a URL with a scheme; "" → s3.<region>.amazonaws.com
  std::string region;
  std::string bucketnames;  // comma-separated; keys are spread over them by hash (as Loki does)
  std::string access_key_id, secret_access_key, session_token;
  bool insecure = false;  // http:// instead of https://
  bool s3forcepathstyle = false;
  bool sse_encryption = false;  // deprecated Loki key: same as sse.type SSE-S3
  std::string signature_version = "v4";
  std::string storage_class = "STANDARD";
  S3HttpConfig http_config;
  S3SseConfig sse;
  S3BackoffConfig backoff_config;

  // Skald tuning (no YAML key): multipart part size (S3's minimum is 5 MiB) and ListObjectsV2 page.
  uint64_t part_size = 16ull << 20;
  int list_max_keys = 1000;

  // Filled by ValidateS3Config.
  std::vector<std::string> buckets;

  // True when any key was given (the block is in use).
  bool Configured() const;
};

// The keys of one aws/s3 block, bound to *c; Loki keys skald ignores (dynamodb, ...) warn.
config::Schema S3ConfigKeys(S3Config* c);

// Resolves `s3` into the other keys, splits bucketnames, takes AWS_ACCESS_KEY_ID /
// AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN from the environment when no credentials are given,
// and checks the result. `section` ("storage_config.aws") prefixes every error's key name.
Status ValidateS3Config(S3Config* c, const std::string& section);

// Which bucket holds `key` (FNV-32a of the key modulo the bucket count; one bucket → 0).
size_t BucketIndexFor(const std::string& key, size_t buckets);

}  // namespace skald::objstore
