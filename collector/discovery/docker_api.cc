// DockerApi over libcurl: CURLOPT_UNIX_SOCKET_PATH for unix sockets, a progress callback to cancel.
#include "collector/discovery/docker_api.h"

#include <curl/curl.h>

#include <cstdlib>

namespace skald::discovery {

namespace {
size_t Append(char* p, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(p, size * n);
  return size * n;
}

struct StreamState {
  std::string pending;
  const std::function<void(std::string_view)>* fn;
  const std::function<void()>* on_open;
  long code = 0;  // status of the last response line seen
  bool opened = false;
};

// Header callback: remembers the status line's code and calls on_open at the end of a 2xx header.
size_t StreamHeader(char* p, size_t size, size_t n, void* st) {
  auto* s = static_cast<StreamState*>(st);
  const std::string_view h(p, size * n);
  if (h.starts_with("HTTP/")) {
    const size_t sp = h.find(' ');
    s->code = sp == std::string_view::npos ? 0 : std::strtol(std::string(h.substr(sp + 1, 3)).c_str(), nullptr, 10);
  } else if ((h == "\r\n" || h == "\n") && s->code >= 200 && s->code < 300 && !s->opened) {
    s->opened = true;
    if (*s->on_open) (*s->on_open)();
  }
  return size * n;
}

size_t StreamWrite(char* p, size_t size, size_t n, void* st) {
  auto* s = static_cast<StreamState*>(st);
  if (s->code < 200 || s->code >= 300) return size * n;  // an error body, not events
  s->pending.append(p, size * n);
  size_t start = 0, nl;
  while ((nl = s->pending.find('\n', start)) != std::string::npos) {
    if (nl > start) (*s->fn)(std::string_view(s->pending).substr(start, nl - start));
    start = nl + 1;
  }
  s->pending.erase(0, start);
  return size * n;
}

int Progress(void* flag, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<std::atomic<bool>*>(flag)->load() ? 1 : 0;
}
}  // namespace

DockerApi::DockerApi(std::string host, const TlsClientConfig& tls) {
  static const bool init = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  (void)init;
  client::ProxySettings proxy;
  if (host.starts_with("unix://")) {
    socket_ = host.substr(7);
    base_ = "http://localhost";
  } else if (host.starts_with("tcp://")) {
    base_ = (tls.Any() ? "https://" : "http://") + host.substr(6);
    proxy.from_environment = true;  // the Docker Go client's tcp transport honours HTTP(S)_PROXY
  } else {
    base_ = host;
  }
  while (!base_.empty() && base_.back() == '/') base_.pop_back();
  transport_ = client::CurlTransport::Make(base_, tls, proxy);
  curl_ = curl_easy_init();
}

Status DockerApi::Prepare(const std::string& path_and_query, curl_slist** headers, curl_slist** connect_to) {
  if (!transport_.ok()) return transport_.status().Annotate("docker_sd host " + base_);
  CURL* c = static_cast<CURL*>(curl_);
  curl_easy_reset(c);
  transport_->Apply(c, path_and_query, headers, connect_to);
  if (*headers != nullptr) curl_easy_setopt(c, CURLOPT_HTTPHEADER, *headers);
  if (!socket_.empty()) curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, socket_.c_str());
  errbuf_[0] = '\0';
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf_);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  return Status::Ok();
}

DockerApi::~DockerApi() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

std::string DockerApi::Escape(const std::string& s) {
  char* e = curl_easy_escape(nullptr, s.c_str(), static_cast<int>(s.size()));
  std::string out = e ? e : "";
  curl_free(e);
  return out;
}

Result<std::string> DockerApi::Get(const std::string& path_and_query, long timeout_ms) {
  CURL* c = static_cast<CURL*>(curl_);
  std::string body;
  curl_slist *headers = nullptr, *connect_to = nullptr;
  SKALD_RETURN_IF_ERROR(Prepare(path_and_query, &headers, &connect_to));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Append);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
  CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(headers);
  curl_slist_free_all(connect_to);
  if (rc != CURLE_OK) return Status::Unavailable("docker " + path_and_query + ": " + transport_->Describe(rc, errbuf_));
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  if (code == 404) return Status::NotFound("docker " + path_and_query + ": " + body);
  if (code < 200 || code >= 300) {
    return Status::Unavailable("docker " + path_and_query + ": HTTP " + std::to_string(code) + ": " + body);
  }
  return body;
}

Status DockerApi::Stream(const std::string& path_and_query, const std::function<void(std::string_view)>& on_line,
                         const std::function<void()>& on_open) {
  CURL* c = static_cast<CURL*>(curl_);
  StreamState st{{}, &on_line, &on_open};
  curl_slist *headers = nullptr, *connect_to = nullptr;
  SKALD_RETURN_IF_ERROR(Prepare(path_and_query, &headers, &connect_to));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, StreamWrite);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &st);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, StreamHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &st);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, Progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &cancelled_);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(headers);
  curl_slist_free_all(connect_to);
  if (cancelled_) return Status(Code::kCancelled, "cancelled");
  if (rc != CURLE_OK) return Status::Unavailable("docker events: " + transport_->Describe(rc, errbuf_));
  if (!st.opened) return Status::Unavailable("docker events: HTTP " + std::to_string(st.code));
  return Status::Unavailable("docker events stream closed");
}

}  // namespace skald::discovery
