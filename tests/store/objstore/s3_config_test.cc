// S3Config: every Loki 2.9 aws key binds, unknown/ignored keys are reported, and validation
// errors name the key (s3 URL forms, bucketnames, endpoint/region, credentials, sse).
#include "store/objstore/s3_config.h"

#include <catch.hpp>
#include <cstdlib>
#include <functional>

#include <fmt/format.h>

using namespace skald;
using namespace skald::objstore;

namespace {

struct Walked {
  S3Config cfg;
  std::vector<std::string> errors, warnings;
};

Walked WalkAws(const std::string& yaml) {
  auto doc = config::ParseYamlText("t.yaml", yaml, false);
  REQUIRE(doc.ok());
  Walked w;
  config::Walker walker("t.yaml");
  walker.Walk(doc->root, S3ConfigKeys(&w.cfg), "storage_config.aws");
  w.errors = walker.errors();
  w.warnings = walker.warnings();
  return w;
}

// Unsets AWS_* credentials for the test's duration (restores them after).
struct NoAwsEnv {
  std::vector<std::pair<std::string, std::string>> saved;
  NoAwsEnv() {
    for (const char* n : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"}) {
      if (const char* v = std::getenv(n)) saved.emplace_back(n, v);
      ::unsetenv(n);
    }
  }
  ~NoAwsEnv() {
    for (const auto& [k, v] : saved) ::setenv(k.c_str(), v.c_str(), 1);
  }
};

}  // namespace

TEST_CASE("s3 config binds every key of Loki's aws block") {
  Walked w = WalkAws(R"(
endpoint: rgw.local:7480
region: eu-west-3
bucketnames: chunks-a, chunks-b
access_key_id: AK
secret_access_key: SK
session_token: TOK
insecure: true
s3forcepathstyle: true
signature_version: v4
storage_class: STANDARD_IA
http_config:
  idle_conn_timeout: 2m
  response_header_timeout: 5s
  insecure_skip_verify: true
  ca_file: /etc/ca.pem
sse:
  type: SSE-KMS
  kms_key_id: key-1
  kms_encryption_context: '{"a":"b"}'
backoff_config:
  min_period: 50ms
  max_period: 1s
  max_retries: 7
dynamodb:
  dynamodb_url: dynamodb://x
)");
  REQUIRE(w.errors.empty());
  REQUIRE(w.warnings.size() == 1);
  CHECK(w.warnings[0].find("dynamodb") != std::string::npos);
  const S3Config& c = w.cfg;
  CHECK(c.endpoint == "rgw.local:7480");
  CHECK(c.region == "eu-west-3");
  CHECK(c.access_key_id == "AK");
  CHECK(c.secret_access_key == "SK");
  CHECK(c.session_token == "TOK");
  CHECK(c.insecure);
  CHECK(c.s3forcepathstyle);
  CHECK(c.storage_class == "STANDARD_IA");
  CHECK(c.http_config.idle_conn_timeout_ns == 120'000'000'000);
  CHECK(c.http_config.response_header_timeout_ns == 5'000'000'000);
  CHECK(c.http_config.insecure_skip_verify);
  CHECK(c.http_config.ca_file == "/etc/ca.pem");
  CHECK(c.sse.type == "SSE-KMS");
  CHECK(c.sse.kms_key_id == "key-1");
  CHECK(c.sse.kms_encryption_context == R"({"a":"b"})");
  CHECK(c.backoff_config.min_period_ns == 50'000'000);
  CHECK(c.backoff_config.max_period_ns == 1'000'000'000);
  CHECK(c.backoff_config.max_retries == 7);
  S3Config v = c;
  REQUIRE(ValidateS3Config(&v, "storage_config.aws").ok());
  CHECK(v.buckets == std::vector<std::string>{"chunks-a", "chunks-b"});
}

TEST_CASE("s3 config defaults are Loki's") {
  S3Config c;
  CHECK(c.http_config.idle_conn_timeout_ns == 90'000'000'000);
  CHECK(c.http_config.response_header_timeout_ns == 0);
  CHECK(c.backoff_config.min_period_ns == 100'000'000);
  CHECK(c.backoff_config.max_period_ns == 3'000'000'000);
  CHECK(c.backoff_config.max_retries == 5);
  CHECK_FALSE(c.s3forcepathstyle);
  CHECK_FALSE(c.insecure);
  CHECK_FALSE(c.Configured());
}

TEST_CASE("s3 config reports unknown keys with the section path") {
  Walked w = WalkAws("bucketname: x\n");
  REQUIRE(w.errors.size() == 1);
  CHECK(w.errors[0].find("bucketname") != std::string::npos);
  CHECK(w.errors[0].find("bucketnames") != std::string::npos);  // the suggestion
}

TEST_CASE("s3 config resolves the s3 URL forms") {
  NoAwsEnv env;
  struct Case {
    const char* url;
    const char* endpoint;
    const char* region;
    const char* bucket;
    const char* key;
    const char* secret;
  };
  const Case cases[] = {
      {"s3://AK:S%2FK@us-west-2/logs", "", "us-west-2", "logs", "AK", "S/K"},
      {"s3://AK:SK@minio.local:9000/logs/", "minio.local:9000", "us-east-1", "logs", "AK", "SK"},
      {"s3://AK:SK@s3.amazonaws.com/b1", "s3.amazonaws.com", "us-east-1", "b1", "AK", "SK"},
  };
  for (const auto& c : cases) {
    INFO(c.url);
    S3Config cfg;
    cfg.s3 = c.url;
    REQUIRE(ValidateS3Config(&cfg, "storage_config.aws").ok());
    CHECK(cfg.endpoint == c.endpoint);
    CHECK(cfg.region == c.region);
    CHECK(cfg.buckets == std::vector<std::string>{c.bucket});
    CHECK(cfg.access_key_id == c.key);
    CHECK(cfg.secret_access_key == c.secret);
  }
  // Explicit keys win over the URL's parts.
  S3Config cfg;
  cfg.s3 = "s3://AK:SK@us-west-2/logs";
  cfg.bucketnames = "other";
  cfg.access_key_id = "AK2";
  cfg.secret_access_key = "SK2";
  REQUIRE(ValidateS3Config(&cfg, "common.storage.s3").ok());
  CHECK(cfg.buckets == std::vector<std::string>{"other"});
  CHECK(cfg.access_key_id == "AK2");
}

TEST_CASE("s3 config validation errors name the key") {
  NoAwsEnv env;
  struct Case {
    const char* name;
    std::function<void(S3Config*)> set;
    const char* key_in_error;
  };
  auto base = [](S3Config* c) {
    c->endpoint = "h:1";
    c->bucketnames = "b";
    c->access_key_id = "a";
    c->secret_access_key = "s";
  };
  const Case cases[] = {
      {"inmemory", [&](S3Config* c) { base(c); c->s3 = "inmemory:///"; }, "storage_config.aws.s3: \"inmemory:///\""},
      {"not s3 url", [&](S3Config* c) { base(c); c->s3 = "http://x/b"; }, "storage_config.aws.s3:"},
      {"no bucket", [&](S3Config* c) { base(c); c->bucketnames = " , "; }, "storage_config.aws.bucketnames: required"},
      {"no endpoint", [&](S3Config* c) { base(c); c->endpoint = ""; }, "storage_config.aws.endpoint: required"},
      {"half creds", [&](S3Config* c) { base(c); c->secret_access_key = ""; },
       "storage_config.aws.secret_access_key: required"},
      {"no creds", [&](S3Config* c) { base(c); c->access_key_id = c->secret_access_key = ""; },
       "storage_config.aws.access_key_id: no credentials"},
      {"sigv2", [&](S3Config* c) { base(c); c->signature_version = "v2"; }, "storage_config.aws.signature_version"},
      {"sse type", [&](S3Config* c) { base(c); c->sse.type = "AES"; }, "storage_config.aws.sse.type"},
      {"kms key", [&](S3Config* c) { base(c); c->sse.type = "SSE-KMS"; }, "storage_config.aws.sse.kms_key_id"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    S3Config cfg;
    c.set(&cfg);
    const Status s = ValidateS3Config(&cfg, "storage_config.aws");
    REQUIRE_FALSE(s.ok());
    CHECK(s.code() == Code::kInvalidArgument);
    CHECK(s.message().find(c.key_in_error) != std::string::npos);
  }
}

TEST_CASE("s3 config takes credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY") {
  NoAwsEnv env;
  ::setenv("AWS_ACCESS_KEY_ID", "ENVKEY", 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", "ENVSECRET", 1);
  ::setenv("AWS_SESSION_TOKEN", "ENVTOKEN", 1);
  S3Config cfg;
  cfg.region = "us-east-2";
  cfg.bucketnames = "b";
  const Status s = ValidateS3Config(&cfg, "storage_config.aws");
  ::unsetenv("AWS_ACCESS_KEY_ID");
  ::unsetenv("AWS_SECRET_ACCESS_KEY");
  ::unsetenv("AWS_SESSION_TOKEN");
  REQUIRE(s.ok());
  CHECK(cfg.access_key_id == "ENVKEY");
  CHECK(cfg.secret_access_key == "ENVSECRET");
  CHECK(cfg.session_token == "ENVTOKEN");
}

TEST_CASE("s3 config spreads keys over several buckets by hash") {
  std::vector<int> counts(3, 0);
  for (int i = 0; i < 3000; ++i) counts[BucketIndexFor(fmt::format("fake/chunk-{}", i), 3)]++;
  for (int n : counts) CHECK(n > 800);
  CHECK(BucketIndexFor("anything", 1) == 0);
  CHECK(BucketIndexFor("k", 3) == BucketIndexFor("k", 3));
}

TEST_CASE("s3 config sse_encryption is SSE-S3 and part size has S3's 5 MiB floor") {
  S3Config cfg;
  cfg.endpoint = "h:1";
  cfg.bucketnames = "b";
  cfg.access_key_id = "a";
  cfg.secret_access_key = "s";
  cfg.sse_encryption = true;
  cfg.part_size = 1024;
  REQUIRE(ValidateS3Config(&cfg, "storage_config.aws").ok());
  CHECK(cfg.sse.type == "SSE-S3");
  CHECK(cfg.part_size == 5ull << 20);
}
