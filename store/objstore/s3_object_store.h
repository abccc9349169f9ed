// S3ObjectStore: ObjectStore over an S3-compatible server (AWS, Ceph RGW, MinIO, ...): SigV4-signed
// requests over a libcurl handle pool, retries with backoff, multipart uploads, per-op metrics.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/metrics.h"
#include "store/objstore/object_store.h"
#include "store/objstore/s3_config.h"
#include "store/objstore/s3_http.h"

namespace skald::objstore {

// Thread-safe. Retries network errors, 5xx and 429 (SlowDown) with exponential backoff and jitter
// (backoff_config); other 4xx fail at once with S3's Code and Message in the Status. Metrics:
// loki_s3_request_duration_seconds{operation,status_code} per attempt ("S3.GetObject", ...;
// status_code "500" when no response came), skald_objstore_s3_retries_total{operation}.
// URLs: virtual-host style (<bucket>.<endpoint>) as Loki's default, path style with
// s3forcepathstyle or when the endpoint is an IP address or localhost (no DNS for a bucket
// subdomain there). Keys are spread over several buckets by BucketIndexFor; List merges them.
// A missing bucket is IOError naming bucketnames (not NotFound), except for Head, whose 404 has
// no body to tell a missing key from a missing bucket.
class S3ObjectStore : public ObjectStore {
 public:
  // `cfg` must have passed ValidateS3Config. registry may be null (no metrics).
  static Result<std::unique_ptr<S3ObjectStore>> Open(S3Config cfg, metrics::Registry* registry);

  Status Put(const std::string& key, const std::string& data) override;
  Status PutFile(const std::string& key, const std::string& path) override;
  Status Get(const std::string& key, uint64_t offset, uint64_t n, std::string* out) override;
  Status GetFile(const std::string& key, const std::string& path) override;
  Result<ObjectInfo> Head(const std::string& key) override;
  Result<std::vector<ObjectInfo>> List(const std::string& prefix) override;
  Status Delete(const std::string& key) override;
  std::string Describe() const override;

  // Creates every configured bucket (Ok when it exists and is ours): for tests, restores into a
  // fresh bucket and first-run setups. Loki never creates buckets; the store does not call this.
  Status CreateBuckets();

  const S3Config& config() const { return cfg_; }

 private:
  struct Request {
    const char* op = "";  // metric label, "S3.GetObject"
    std::string method;
    std::string bucket;
    std::string key;
    std::vector<std::pair<std::string, std::string>> query;
    std::vector<std::pair<std::string, std::string>> headers;  // extra, signed
    std::string_view body;
    int out_fd = -1;
  };

  S3ObjectStore(S3Config cfg, metrics::Registry* registry);
  // One call with retries; before each attempt `rewind` (if set) resets out_fd. A non-2xx final
  // response is turned into a Status; *res holds the last response either way.
  Status Do(const Request& req, HttpResult* res, const std::function<Status()>& rewind = nullptr);
  HttpResult Attempt(const Request& req);
  Status ErrorFor(const Request& req, const HttpResult& res, bool exhausted) const;
  const std::string& BucketFor(const std::string& key) const;
  std::vector<std::pair<std::string, std::string>> WriteHeaders() const;
  Status ListBucket(const std::string& bucket, const std::string& prefix, std::vector<ObjectInfo>* out);
  Status PutMultipart(const std::string& key, int fd, uint64_t size);
  Status UploadParts(const std::string& key, const std::string& upload_id, int fd, uint64_t size,
                     std::vector<std::string>* etags);
  void Observe(const char* op, const HttpResult& res, double seconds);

  S3Config cfg_;
  std::string scheme_;  // "https" or "http"
  std::string host_;    // endpoint authority, "s3.us-east-1.amazonaws.com" or "127.0.0.1:7480"
  bool path_style_ = true;
  CurlPool pool_;
  metrics::HistogramVec* duration_ = nullptr;
  metrics::CounterVec* retries_ = nullptr;
};

}  // namespace skald::objstore
