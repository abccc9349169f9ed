// S3ObjectStore: see s3_object_store.h. Request building, signing, the retry loop and the simple
// operations; multipart uploads are in s3_multipart.cc.
#include "store/objstore/s3_object_store.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <chrono>
#include <ctime>
#include <thread>

#include <fmt/format.h>

#include "common/backoff.h"
#include "common/logger.h"
#include "store/objstore/local_file.h"
#include "store/objstore/s3_xml.h"
#include "store/objstore/sigv4.h"

namespace skald::objstore {

namespace {

bool IsIpOrLocalhost(std::string host) {
  if (host.starts_with('[')) return true;  // IPv6 literal
  const size_t colon = host.rfind(':');
  if (colon != std::string::npos) host = host.substr(0, colon);
  in_addr a{};
  return host == "localhost" || inet_pton(AF_INET, host.c_str(), &a) == 1;
}

bool Retryable(const HttpResult& r) {
  if (r.curl_code != 0) {
    // Certificate and URL problems do not heal by retrying; connection trouble may.
    return r.curl_code != 60 /*PEER_FAILED_VERIFICATION*/ && r.curl_code != 3 /*URL_MALFORMAT*/ &&
           r.curl_code != 77 /*SSL_CACERT_BADFILE*/ && r.curl_code != 58 /*SSL_CERTPROBLEM*/;
  }
  return r.status >= 500 || r.status == 429;
}

int64_t ParseHttpDate(const std::string& s) {
  std::tm tm{};
  if (strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S", &tm) == nullptr) return 0;
  return static_cast<int64_t>(timegm(&tm)) * 1'000'000'000;
}

std::string Base64(std::string_view in) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t v = static_cast<uint8_t>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<uint8_t>(in[i + 1]) << 8;
    if (i + 2 < in.size()) v |= static_cast<uint8_t>(in[i + 2]);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back(i + 2 < in.size() ? kAlphabet[v & 63] : '=');
  }
  return out;
}

// S3 takes any UTF-8 up to 1024 bytes; the ObjectStore contract also rules out a leading '/'.
Status CheckKey(const std::string& key) {
  if (key.empty() || key.front() == '/' || key.size() > 1024) {
    return Status::Invalid(fmt::format("object key \"{}\" is not valid", key));
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<S3ObjectStore>> S3ObjectStore::Open(S3Config cfg, metrics::Registry* registry) {
  if (cfg.buckets.empty()) return Status::Invalid("S3 config not validated: no buckets");
  return std::unique_ptr<S3ObjectStore>(new S3ObjectStore(std::move(cfg), registry));
}

S3ObjectStore::S3ObjectStore(S3Config cfg, metrics::Registry* registry)
    : cfg_(std::move(cfg)),
      pool_(HttpOptions{10'000, cfg_.http_config.idle_conn_timeout_ns / 1'000'000,
                        cfg_.http_config.response_header_timeout_ns / 1'000'000,
                        cfg_.http_config.insecure_skip_verify, cfg_.http_config.ca_file}) {
  std::string ep = cfg_.endpoint;
  scheme_ = cfg_.insecure ? "http" : "https";
  if (const size_t p = ep.find("://"); p != std::string::npos) {
    scheme_ = ep.substr(0, p);
    ep = ep.substr(p + 3);
  }
  while (!ep.empty() && ep.back() == '/') ep.pop_back();
  host_ = ep.empty() ? fmt::format("s3.{}.amazonaws.com", cfg_.region) : ep;
  // Virtual-host style needs DNS for <bucket>.<host>: an IP or localhost endpoint cannot have it.
  path_style_ = cfg_.s3forcepathstyle || IsIpOrLocalhost(host_);
  if (registry != nullptr) {
    duration_ = &registry->NewHistogramVec(
        "loki_s3_request_duration_seconds", "Time spent doing S3 requests.",
        {"operation", "status_code"}, metrics::ExponentialBuckets(0.005, 4, 7));
    retries_ = &registry->NewCounterVec("skald_objstore_s3_retries_total",
                                        "S3 request attempts retried after a network error, 5xx or 429.",
                                        {"operation"});
  }
}

const std::string& S3ObjectStore::BucketFor(const std::string& key) const {
  return cfg_.buckets[BucketIndexFor(key, cfg_.buckets.size())];
}

std::vector<std::pair<std::string, std::string>> S3ObjectStore::WriteHeaders() const {
  std::vector<std::pair<std::string, std::string>> h;
  if (!cfg_.storage_class.empty() && cfg_.storage_class != "STANDARD") {
    h.emplace_back("x-amz-storage-class", cfg_.storage_class);
  }
  if (cfg_.sse.type == "SSE-S3") h.emplace_back("x-amz-server-side-encryption", "AES256");
  if (cfg_.sse.type == "SSE-KMS") {
    h.emplace_back("x-amz-server-side-encryption", "aws:kms");
    h.emplace_back("x-amz-server-side-encryption-aws-kms-key-id", cfg_.sse.kms_key_id);
    if (!cfg_.sse.kms_encryption_context.empty()) {
      h.emplace_back("x-amz-server-side-encryption-context", Base64(cfg_.sse.kms_encryption_context));
    }
  }
  return h;
}

HttpResult S3ObjectStore::Attempt(const Request& req) {
  SigV4Request sreq;
  sreq.method = req.method;
  std::string host = host_;
  if (path_style_) {
    sreq.path = "/" + req.bucket + (req.key.empty() ? "" : "/" + req.key);
  } else {
    host = req.bucket + "." + host_;
    sreq.path = "/" + req.key;
  }
  sreq.query = req.query;
  sreq.headers = req.headers;
  sreq.headers.emplace_back("host", host);
  sreq.payload_sha256 = Sha256HexOf(req.body);
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  const SigV4Credentials creds{cfg_.access_key_id, cfg_.secret_access_key, cfg_.session_token};
  const SigV4Result sig = SignV4(&sreq, creds, cfg_.region, AmzDate(now));
  HttpCall call;
  call.method = req.method;
  const std::string query = CanonicalQuery(req.query);
  call.url = fmt::format("{}://{}{}{}{}", scheme_, host, UriEncode(sreq.path, false),
                         query.empty() ? "" : "?", query);
  for (const auto& [k, v] : sreq.headers) call.headers.push_back(k + ": " + v);
  call.headers.push_back("Authorization: " + sig.authorization);
  call.body = req.body;
  call.out_fd = req.out_fd;
  return pool_.Execute(call);
}

void S3ObjectStore::Observe(const char* op, const HttpResult& res, double seconds) {
  if (duration_ == nullptr) return;
  const std::string code = res.status > 0 ? std::to_string(res.status) : "500";
  duration_->WithLabelValues({op, code}).Observe(seconds);
}

Status S3ObjectStore::Do(const Request& req, HttpResult* res, const std::function<Status()>& rewind) {
  Backoff backoff(cfg_.backoff_config.min_period_ns, cfg_.backoff_config.max_period_ns);
  for (int attempt = 1;; ++attempt) {
    if (rewind) SKALD_RETURN_IF_ERROR(rewind());
    const auto t0 = std::chrono::steady_clock::now();
    *res = Attempt(req);
    Observe(req.op, *res, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    if (res->curl_code == 0 && res->status >= 200 && res->status < 300) return Status::Ok();
    if (res->write_failed) return Status::IOError(fmt::format("S3 {} {}: writing the local file failed", req.op, req.key));
    const bool retry = Retryable(*res);
    if (!retry || attempt >= cfg_.backoff_config.max_retries) return ErrorFor(req, *res, retry);
    if (retries_ != nullptr) retries_->WithLabelValues({req.op}).Inc();
    const int64_t wait = backoff.Next();
    SKALD_LOG(warn, "S3 request failed, retrying",
              {{"operation", req.op}, {"key", req.key}, {"attempt", attempt},
               {"error", ErrorFor(req, *res, false).message()}, {"backoff_ms", wait / 1'000'000}});
    std::this_thread::sleep_for(std::chrono::nanoseconds(wait));
  }
}

Status S3ObjectStore::ErrorFor(const Request& req, const HttpResult& res, bool exhausted) const {
  const std::string what = fmt::format("S3 {} {}/{}", req.op, req.bucket, req.key);
  std::string msg;
  if (res.curl_code != 0) {
    msg = fmt::format("{}: {}://{}: {}", what, scheme_, host_, res.curl_error);
  } else {
    S3Error e;
    if (ParseS3Error(res.body, &e)) {
      msg = fmt::format("{}: HTTP {} {}: {}", what, res.status, e.code, e.message);
      if (e.code == "InvalidAccessKeyId" || e.code == "SignatureDoesNotMatch") {
        msg += " (check access_key_id and secret_access_key)";
      } else if (e.code == "NoSuchBucket") {
        msg += fmt::format(" (bucket \"{}\" from bucketnames does not exist)", req.bucket);
      }
    } else {
      msg = fmt::format("{}: HTTP {}", what, res.status);
      if (res.status == 403) msg += " (access denied: check access_key_id and secret_access_key)";
    }
    if (res.status == 404 && e.code != "NoSuchBucket") return Status::NotFound(msg);
  }
  if (exhausted) {
    return Status::Unavailable(fmt::format("{} (after {} attempts)", msg, cfg_.backoff_config.max_retries));
  }
  return Status::IOError(msg);
}

Status S3ObjectStore::Put(const std::string& key, const std::string& data) {
  SKALD_RETURN_IF_ERROR(CheckKey(key));
  Request req;
  req.op = "S3.PutObject";
  req.method = "PUT";
  req.bucket = BucketFor(key);
  req.key = key;
  req.headers = WriteHeaders();
  req.body = data;
  HttpResult res;
  return Do(req, &res);
}

Status S3ObjectStore::PutFile(const std::string& key, const std::string& path) {
  SKALD_RETURN_IF_ERROR(CheckKey(key));
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IOError(fmt::format("open {}: {}", path, std::strerror(errno)));
  struct stat st{};
  Status s;
  if (::fstat(fd, &st) != 0) {
    s = Status::IOError(fmt::format("stat {}: {}", path, std::strerror(errno)));
  } else if (static_cast<uint64_t>(st.st_size) > cfg_.part_size) {
    s = PutMultipart(key, fd, static_cast<uint64_t>(st.st_size));
  } else {
    std::string data(static_cast<size_t>(st.st_size), '\0');
    const ssize_t r = ::pread(fd, data.data(), data.size(), 0);
    s = r == static_cast<ssize_t>(data.size()) ? Put(key, data)
                                               : Status::IOError(fmt::format("read {}: short read", path));
  }
  ::close(fd);
  return s;
}

Status S3ObjectStore::Get(const std::string& key, uint64_t offset, uint64_t n, std::string* out) {
  out->clear();
  SKALD_RETURN_IF_ERROR(CheckKey(key));
  if (n == 0) return Status::Ok();
  Request req;
  req.op = "S3.GetObject";
  req.method = "GET";
  req.bucket = BucketFor(key);
  req.key = key;
  const bool ranged = offset > 0 || n != UINT64_MAX;
  if (ranged) {
    const std::string end = n == UINT64_MAX || offset + n < offset ? "" : std::to_string(offset + n - 1);
    req.headers.emplace_back("range", fmt::format("bytes={}-{}", offset, end));
  }
  HttpResult res;
  Status s = Do(req, &res);
  if (!s.ok() && res.status == 416) return Status::Ok();  // offset at or past the end
  if (!s.ok()) return s;
  *out = std::move(res.body);
  if (ranged && res.status == 200) {  // the server ignored Range: cut the bytes out ourselves
    *out = offset >= out->size() ? std::string() : out->substr(offset, n);
  }
  return Status::Ok();
}

Status S3ObjectStore::GetFile(const std::string& key, const std::string& path) {
  SKALD_RETURN_IF_ERROR(CheckKey(key));
  return WriteFileDurably(path, [&](int fd, const std::string& tmp) -> Status {
    Request req;
    req.op = "S3.GetObject";
    req.method = "GET";
    req.bucket = BucketFor(key);
    req.key = key;
    req.out_fd = fd;
    auto rewind = [&]() -> Status {   // a retried GET starts the file again
      if (::ftruncate(fd, 0) != 0 || ::lseek(fd, 0, SEEK_SET) != 0) {
        return Status::IOError(fmt::format("truncate {}: {}", tmp, std::strerror(errno)));
      }
      return Status::Ok();
    };
    HttpResult res;
    return Do(req, &res, rewind);
  });
}

Result<ObjectInfo> S3ObjectStore::Head(const std::string& key) {
  SKALD_RETURN_IF_ERROR(CheckKey(key));
  Request req;
  req.op = "S3.HeadObject";
  req.method = "HEAD";
  req.bucket = BucketFor(key);
  req.key = key;
  HttpResult res;
  SKALD_RETURN_IF_ERROR(Do(req, &res));
  ObjectInfo info;
  info.key = key;
  info.size = std::strtoull(res.headers["content-length"].c_str(), nullptr, 10);
  info.etag = res.headers["etag"];
  if (info.etag.size() >= 2 && info.etag.front() == '"') info.etag = info.etag.substr(1, info.etag.size() - 2);
  info.mtime_ns = ParseHttpDate(res.headers["last-modified"]);
  return info;
}

Status S3ObjectStore::ListBucket(const std::string& bucket, const std::string& prefix,
                                 std::vector<ObjectInfo>* out) {
  std::string token;
  for (;;) {
    Request req;
    req.op = "S3.List";
    req.method = "GET";
    req.bucket = bucket;
    req.query = {{"list-type", "2"}, {"prefix", prefix}, {"max-keys", std::to_string(cfg_.list_max_keys)}};
    if (!token.empty()) req.query.emplace_back("continuation-token", token);
    HttpResult res;
    SKALD_RETURN_IF_ERROR(Do(req, &res));
    auto page = ParseListObjectsV2(res.body);
    if (!page.ok()) return page.status().Annotate(fmt::format("S3 list {}/{}", bucket, prefix));
    for (auto& o : page->objects) out->push_back(std::move(o));
    if (!page->truncated) return Status::Ok();
    if (page->next_continuation_token == token) {
      return Status::Corruption(fmt::format("S3 list {}/{}: the server repeated its continuation token", bucket, prefix));
    }
    token = page->next_continuation_token;
  }
}

Result<std::vector<ObjectInfo>> S3ObjectStore::List(const std::string& prefix) {
  std::vector<ObjectInfo> all;
  for (const auto& b : cfg_.buckets) SKALD_RETURN_IF_ERROR(ListBucket(b, prefix, &all));
  std::sort(all.begin(), all.end(), [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  return all;
}

Status S3ObjectStore::Delete(const std::string& key) {
  SKALD_RETURN_IF_ERROR(CheckKey(key));
  Request req;
  req.op = "S3.DeleteObject";
  req.method = "DELETE";
  req.bucket = BucketFor(key);
  req.key = key;
  HttpResult res;
  Status s = Do(req, &res);
  if (s.code() == Code::kNotFound) return Status::Ok();
  return s;
}

Status S3ObjectStore::CreateBuckets() {
  for (const auto& b : cfg_.buckets) {
    Request req;
    req.op = "S3.CreateBucket";
    req.method = "PUT";
    req.bucket = b;
    HttpResult res;
    Status s = Do(req, &res);
    S3Error e;
    if (!s.ok() && !(res.status == 409 && ParseS3Error(res.body, &e) && e.code == "BucketAlreadyOwnedByYou")) {
      return s;
    }
  }
  return Status::Ok();
}

std::string S3ObjectStore::Describe() const {
  std::string buckets;
  for (const auto& b : cfg_.buckets) buckets += (buckets.empty() ? "" : ",") + b;
  return fmt::format("s3://{} ({}://{}, {})", buckets, scheme_, host_, path_style_ ? "path-style" : "virtual-host");
}

}  // namespace skald::objstore
