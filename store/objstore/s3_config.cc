// S3Config: see s3_config.h. Key names and defaults follow Loki 2.9's aws_storage_config.
#include "store/objstore/s3_config.h"

#include <cstdlib>

#include <fmt/format.h>

namespace skald::objstore {

namespace {

using config::BindBool;
using config::BindDuration;
using config::BindInt;
using config::BindString;
using config::Schema;
using config::Section;
using config::Value;

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return s.substr(i);
}

int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() + 0 && HexVal(s[i + 1]) >= 0 && HexVal(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexVal(s[i + 1]) * 16 + HexVal(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

// s3://[key:secret@]host/bucket: host with a '.' (or a port) is an endpoint, else a region.
Status ApplyS3Url(S3Config* c, const std::string& section) {
  const std::string key = section + ".s3";
  if (c->s3.starts_with("inmemory:")) {
    return Status::Invalid(key + ": \"inmemory:///\" (Loki's test-only in-memory S3) is not supported; "
                           "use object_store: filesystem for a local store");
  }
  if (!c->s3.starts_with("s3://")) {
    return Status::Invalid(fmt::format("{}: \"{}\" is not an s3:// URL (s3://key:secret@region/bucket)",
                                       key, c->s3));
  }
  std::string rest = c->s3.substr(5);
  const size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  const std::string path = slash == std::string::npos ? "" : rest.substr(slash + 1);
  const size_t at = authority.rfind('@');
  if (at != std::string::npos) {
    const std::string user = authority.substr(0, at);
    authority = authority.substr(at + 1);
    const size_t colon = user.find(':');
    if (c->access_key_id.empty()) c->access_key_id = PercentDecode(user.substr(0, colon));
    if (c->secret_access_key.empty() && colon != std::string::npos) {
      c->secret_access_key = PercentDecode(user.substr(colon + 1));
    }
  }
  if (authority.empty()) return Status::Invalid(key + ": no region or endpoint after s3://");
  const bool is_endpoint = authority.find_first_of(".:") != std::string::npos;
  if (is_endpoint && c->endpoint.empty()) c->endpoint = authority;
  if (!is_endpoint && c->region.empty()) c->region = authority;
  std::string bucket = path;
  while (!bucket.empty() && bucket.back() == '/') bucket.pop_back();
  if (c->bucketnames.empty()) c->bucketnames = bucket;
  return Status::Ok();
}

Status CheckBuckets(S3Config* c, const std::string& section) {
  c->buckets.clear();
  std::string cur;
  for (size_t i = 0; i <= c->bucketnames.size(); ++i) {
    if (i == c->bucketnames.size() || c->bucketnames[i] == ',') {
      std::string b = Trim(cur);
      if (!b.empty()) c->buckets.push_back(b);
      cur.clear();
    } else {
      cur.push_back(c->bucketnames[i]);
    }
  }
  if (c->buckets.empty()) {
    return Status::Invalid(section + ".bucketnames: required (or a bucket in " + section + ".s3)");
  }
  for (const auto& b : c->buckets) {
    if (b.find('/') != std::string::npos || b.size() > 255) {
      return Status::Invalid(fmt::format("{}.bucketnames: \"{}\" is not a bucket name", section, b));
    }
  }
  return Status::Ok();
}

Status CheckSse(S3Config* c, const std::string& section) {
  if (c->sse.type.empty() && c->sse_encryption) c->sse.type = "SSE-S3";
  if (c->sse.type.empty() || c->sse.type == "SSE-S3") return Status::Ok();
  if (c->sse.type != "SSE-KMS") {
    return Status::Invalid(fmt::format("{}.sse.type: \"{}\" is not SSE-S3 or SSE-KMS", section, c->sse.type));
  }
  if (c->sse.kms_key_id.empty()) {
    return Status::Invalid(section + ".sse.kms_key_id: required with sse.type SSE-KMS");
  }
  return Status::Ok();
}

}  // namespace

bool S3Config::Configured() const {
  return !s3.empty() || !endpoint.empty() || !bucketnames.empty() || !region.empty();
}

Schema S3ConfigKeys(S3Config* c) {
  Schema http = {Value("idle_conn_timeout", BindDuration(&c->http_config.idle_conn_timeout_ns)),
                 Value("response_header_timeout", BindDuration(&c->http_config.response_header_timeout_ns)),
                 Value("insecure_skip_verify", BindBool(&c->http_config.insecure_skip_verify)),
                 Value("ca_file", BindString(&c->http_config.ca_file))};
  Schema sse = {Value("type", BindString(&c->sse.type)),
                Value("kms_key_id", BindString(&c->sse.kms_key_id)),
                Value("kms_encryption_context", BindString(&c->sse.kms_encryption_context))};
  Schema backoff = {Value("min_period", BindDuration(&c->backoff_config.min_period_ns)),
                    Value("max_period", BindDuration(&c->backoff_config.max_period_ns)),
                    Value("max_retries", BindInt(&c->backoff_config.max_retries))};
  Schema keys = {Value("s3", BindString(&c->s3)),
                 Value("endpoint", BindString(&c->endpoint)),
                 Value("region", BindString(&c->region)),
                 Value("bucketnames", BindString(&c->bucketnames)),
                 Value("access_key_id", BindString(&c->access_key_id)),
                 Value("secret_access_key", BindString(&c->secret_access_key)),
                 Value("session_token", BindString(&c->session_token)),
                 Value("insecure", BindBool(&c->insecure)),
                 Value("s3forcepathstyle", BindBool(&c->s3forcepathstyle)),
                 Value("sse_encryption", BindBool(&c->sse_encryption)),
                 Value("signature_version", BindString(&c->signature_version)),
                 Value("storage_class", BindString(&c->storage_class)),
                 Section("http_config", std::move(http)),
                 Section("sse", std::move(sse)),
                 Section("backoff_config", std::move(backoff))};
  return config::WithUnused(std::move(keys), {"dynamodb"});
}

Status ValidateS3Config(S3Config* c, const std::string& section) {
  if (!c->s3.empty()) SKALD_RETURN_IF_ERROR(ApplyS3Url(c, section));
  SKALD_RETURN_IF_ERROR(CheckBuckets(c, section));
  if (c->endpoint.empty() && c->region.empty()) {
    return Status::Invalid(section + ".endpoint: required (or " + section + ".region for AWS S3)");
  }
  if (c->access_key_id.empty() != c->secret_access_key.empty()) {
    return Status::Invalid(fmt::format("{}.{}: required when {}.{} is set", section,
                                       c->access_key_id.empty() ? "access_key_id" : "secret_access_key",
                                       section,
                                       c->access_key_id.empty() ? "secret_access_key" : "access_key_id"));
  }
  if (c->access_key_id.empty()) {
    c->access_key_id = Env("AWS_ACCESS_KEY_ID");
    c->secret_access_key = Env("AWS_SECRET_ACCESS_KEY");
    if (c->session_token.empty()) c->session_token = Env("AWS_SESSION_TOKEN");
    if (c->access_key_id.empty() || c->secret_access_key.empty()) {
      return Status::Invalid(section + ".access_key_id: no credentials (set access_key_id and "
                             "secret_access_key, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)");
    }
  }
  if (c->signature_version != "v4") {
    return Status::Invalid(fmt::format("{}.signature_version: \"{}\" is not supported (only v4)",
                                       section, c->signature_version));
  }
  SKALD_RETURN_IF_ERROR(CheckSse(c, section));
  if (c->backoff_config.max_retries < 1) c->backoff_config.max_retries = 1;
  if (c->part_size < (5ull << 20)) c->part_size = 5ull << 20;
  if (c->region.empty()) c->region = "us-east-1";
  return Status::Ok();
}

size_t BucketIndexFor(const std::string& key, size_t buckets) {
  if (buckets <= 1) return 0;
  uint32_t h = 2166136261u;
  for (unsigned char ch : key) {
    h ^= ch;
    h *= 16777619u;
  }
  return h % buckets;
}

}  // namespace skald::objstore
