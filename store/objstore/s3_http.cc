// CurlPool: see s3_http.h. Handles are reset between calls (curl_easy_reset keeps the live
// connections), so a pool of N handles holds up to N kept-alive connections to the endpoint.
#include "store/objstore/s3_http.h"

#include <curl/curl.h>
#include <unistd.h>

#include <cctype>
#include <mutex>

namespace skald::objstore {

namespace {

constexpr size_t kMaxIdleHandles = 32;
constexpr size_t kMaxErrorBody = 1 << 20;

struct Sink {
  CURL* curl;
  HttpResult* result;
  int out_fd;
};

size_t OnWrite(char* p, size_t size, size_t n, void* ud) {
  auto* s = static_cast<Sink*>(ud);
  const size_t len = size * n;
  long status = 0;
  curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &status);
  if (s->out_fd >= 0 && status >= 200 && status < 300) {
    size_t done = 0;
    while (done < len) {
      ssize_t w = ::write(s->out_fd, p + done, len - done);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        s->result->write_failed = true;
        return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
      }
      done += static_cast<size_t>(w);
    }
    return len;
  }
  if (s->out_fd < 0 || s->result->body.size() < kMaxErrorBody) s->result->body.append(p, len);
  return len;
}

size_t OnHeader(char* p, size_t size, size_t n, void* ud) {
  auto* r = static_cast<HttpResult*>(ud);
  const size_t len = size * n;
  std::string_view line(p, len);
  if (line.starts_with("HTTP/")) {
    r->headers.clear();  // a new response (after 100 Continue or a redirect)
    return len;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return len;
  std::string name(line.substr(0, colon));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view v = line.substr(colon + 1);
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' ')) v.remove_suffix(1);
  r->headers[name] = std::string(v);
  return len;
}

std::once_flag g_curl_init;

}  // namespace

CurlPool::CurlPool(HttpOptions opts) : opts_(std::move(opts)) {
  std::call_once(g_curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

CurlPool::~CurlPool() {
  for (void* h : idle_) curl_easy_cleanup(static_cast<CURL*>(h));
}

void* CurlPool::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      void* h = idle_.back();
      idle_.pop_back();
      return h;
    }
  }
  return curl_easy_init();
}

void CurlPool::Release(void* handle) {
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < kMaxIdleHandles) {
    idle_.push_back(handle);
  } else {
    curl_easy_cleanup(static_cast<CURL*>(handle));
  }
}

void CurlPool::Configure(void* handle, const HttpCall& call) const {
  CURL* c = static_cast<CURL*>(handle);
  curl_easy_setopt(c, CURLOPT_URL, call.url.c_str());
  curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);  // keys may hold "." and ".." segments
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROXY, "");
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(opts_.connect_timeout_ms));
  curl_easy_setopt(c, CURLOPT_MAXAGE_CONN, static_cast<long>(opts_.idle_conn_timeout_ms / 1000));
  const int64_t stall_ms = opts_.response_header_timeout_ms > 0 ? opts_.response_header_timeout_ms : 120'000;
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, static_cast<long>((stall_ms + 999) / 1000));
  if (opts_.insecure_skip_verify) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!opts_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, opts_.ca_file.c_str());
  if (call.method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (call.method == "PUT" || call.method == "POST") {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, call.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(call.body.size()));
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, call.method.c_str());
  } else if (call.method != "GET") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, call.method.c_str());
  }
}

HttpResult CurlPool::Execute(const HttpCall& call) {
  HttpResult r;
  CURL* c = static_cast<CURL*>(Acquire());
  if (c == nullptr) {
    r.curl_code = CURLE_FAILED_INIT;
    r.curl_error = "curl_easy_init failed";
    return r;
  }
  curl_easy_reset(c);
  Configure(c, call);
  curl_slist* hdrs = nullptr;
  for (const auto& h : call.headers) hdrs = curl_slist_append(hdrs, h.c_str());
  hdrs = curl_slist_append(hdrs, "Expect:");  // no 100-continue round trip
  if (call.method == "PUT" || call.method == "POST") {
    hdrs = curl_slist_append(hdrs, "Content-Type: application/octet-stream");
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
  Sink sink{c, &r, call.out_fd};
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnWrite);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  const CURLcode rc = curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  if (rc != CURLE_OK) {
    r.curl_code = rc;
    r.curl_error = curl_easy_strerror(rc);
    if (errbuf[0] != '\0') r.curl_error += std::string(": ") + errbuf;
    r.status = 0;
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, nullptr);
  curl_slist_free_all(hdrs);
  Release(c);
  return r;
}

}  // namespace skald::objstore
