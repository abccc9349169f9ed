// CurlPool: blocking HTTP requests over a pool of reusable libcurl handles (kept connections), the
// transport under S3ObjectStore; one request per call, no retries here (the caller retries).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace skald::objstore {

struct HttpOptions {
  int64_t connect_timeout_ms = 10'000;
  int64_t idle_conn_timeout_ms = 90'000;   // connections idle longer are not reused
  // A response (headers or body) stalled this long fails the attempt; 0: 120 s stall guard only.
  int64_t response_header_timeout_ms = 0;
  bool insecure_skip_verify = false;
  std::string ca_file;
};

struct HttpCall {
  std::string method;  // GET, HEAD, PUT, POST, DELETE
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string_view body;             // sent for PUT and POST
  int out_fd = -1;                   // >= 0: a 2xx body is written to this fd instead of `body`
};

struct HttpResult {
  int curl_code = 0;       // CURLcode; 0 when a response arrived
  std::string curl_error;  // "" when curl_code == 0
  long status = 0;         // HTTP status; 0 without a response
  std::string body;        // response body (error bodies even with out_fd)
  std::map<std::string, std::string> headers;  // lowercase names
  bool write_failed = false;  // out_fd rejected a write
};

// Thread-safe: handles are taken from and returned to the pool per call.
class CurlPool {
 public:
  explicit CurlPool(HttpOptions opts);
  ~CurlPool();
  CurlPool(const CurlPool&) = delete;
  CurlPool& operator=(const CurlPool&) = delete;

  HttpResult Execute(const HttpCall& call);

 private:
  void* Acquire();
  void Release(void* handle);
  void Configure(void* handle, const HttpCall& call) const;

  HttpOptions opts_;
  std::mutex mu_;
  std::vector<void*> idle_;
};

}  // namespace skald::objstore
