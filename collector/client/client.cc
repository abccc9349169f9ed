// Client: per-tenant batching, the sender thread, HTTP via libcurl, retry/backoff and acknowledgements.
#include "collector/client/client.h"

#include <curl/curl.h>
#include <snappy.h>
#include <strings.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include <cstring>

#include <fmt/format.h>

#include "collector/client/retry_after.h"
#include "common/bytes_equal.h"
#include "common/logger.h"
#include "common/secret_file.h"

namespace skald::client {

int64_t MonoNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch()).count();
}

namespace {
std::string HostOf(const std::string& url) {
  size_t p = url.find("://");
  size_t start = p == std::string::npos ? 0 : p + 3;
  size_t end = url.find('/', start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}
size_t KeepBody(char* p, size_t size, size_t n, void* out) {
  auto* s = static_cast<std::string*>(out);
  if (s->size() < 512) s->append(p, std::min<size_t>(size * n, 512 - s->size()));
  return size * n;
}
// Header callback: keeps the value of a Retry-After header (the last response's, after redirects).
size_t KeepRetryAfter(char* p, size_t size, size_t n, void* out) {
  constexpr std::string_view kName = "retry-after:";
  const std::string_view h(p, size * n);
  if (h.size() > kName.size() && ::strncasecmp(h.data(), kName.data(), kName.size()) == 0) {
    *static_cast<std::string*>(out) = std::string(h.substr(kName.size()));
  } else if (h.starts_with("HTTP/")) {
    static_cast<std::string*>(out)->clear();
  }
  return size * n;
}
int64_t WallNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}
}  // namespace

Client::Client(ClientConfig cfg, int index, metrics::Registry* registry)
    : cfg_(std::move(cfg)), index_(index), budget_(std::max<int64_t>(3 * cfg_.batchsize, 1 << 20)),
      metrics_(HostOf(cfg_.url), registry) {
  for (const auto& [k, v] : cfg_.external_labels) external_.push_back({k, v});
  static const bool curl_ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  (void)curl_ok;
}

Client::~Client() {
  Stop(0);
  if (curl_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

Status Client::Start() {
  if (cfg_.url.empty()) return Status::Invalid("client: url is required");
  auto transport = CurlTransport::Make(cfg_.url, cfg_.tls, {cfg_.proxy_url, cfg_.no_proxy, cfg_.proxy_from_environment});
  if (!transport.ok()) return transport.status().Annotate("client " + cfg_.url);
  transport_ = std::make_unique<CurlTransport>(std::move(*transport));
  for (const auto& [k, v] : cfg_.headers) {
    if (HeaderTaken(k, cfg_.tenant_id)) {
      SKALD_LOG(warn, "custom header key already exists, skipping", {{"component", "client"},
                {"host", metrics_.host()}, {"key", k}});
    }
  }
  curl_ = curl_easy_init();
  if (curl_ == nullptr) return Status::Internal("curl_easy_init failed");
  sender_ = std::thread([this] { SenderLoop(); });
  return Status::Ok();
}

void Client::Stop(int64_t drain_ns) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (stopping_ && !sender_.joinable()) return;
    stopping_ = true;
    stop_deadline_ns_ = MonoNowNs() + drain_ns;
  }
  cv_.notify_all();
  if (sender_.joinable()) sender_.join();
}

StreamKey Client::KeyFor(const LabelSet& labels) const {
  StreamKey key{cfg_.tenant_id, {}};
  std::vector<Label> merged = external_;
  for (const Label& l : labels) {
    if (l.name == "__tenant_id__") { key.tenant = l.value; continue; }
    merged.push_back(l);
  }
  key.labels = std::make_shared<const std::string>(LabelSet(std::move(merged)).ToString());  // entry labels win
  key.hash = std::hash<std::string_view>()(*key.labels);
  return key;
}

void Client::Push(const StreamKey& key, int64_t ts_ns, std::string_view line, const tail::AckRef& ack,
                  const std::vector<Label>* metadata) {
  std::lock_guard<std::mutex> l(mu_);
  Batch* b = last_;  // lines mostly go to the tenant of the line before
  if (b == nullptr || !BytesEqual(b->tenant, key.tenant)) b = last_ = &current_[key.tenant];
  if (b->entries > 0 && b->bytes + line.size() > static_cast<size_t>(cfg_.batchsize)) {
    CutLocked(key.tenant);
    b = last_ = &current_[key.tenant];
  }
  if (b->entries == 0) {
    b->tenant = key.tenant;
    b->created_ns = MonoNowNs();
    b->id = next_batch_id_++;
    // Untouched pages of the reservation cost no RSS; capped for very large batchsize settings.
    b->enc.Reserve(std::min<size_t>(static_cast<size_t>(cfg_.batchsize), 8 << 20) + line.size() + 4096);
  }
  StreamSlot& slot = key.slot;
  if (slot.batch_id != b->id) slot = {b->id, b->enc.StreamFor(key.hash, key.labels)};
  b->enc.Append(slot.stream, ts_ns, line, metadata);
  b->bytes += line.size();
  ++b->entries;
  if (ack.cursor) {
    auto it = b->acks.rbegin();
    for (; it != b->acks.rend() && it->first.get() != ack.cursor; ++it) {}
    if (it == b->acks.rend()) b->acks.emplace_back(ack.cursor->shared_from_this(), ack.offset);
    else it->second = std::max(it->second, ack.offset);
  }
  inflight_bytes_.fetch_add(static_cast<int64_t>(line.size()), std::memory_order_relaxed);
  if (b->bytes >= static_cast<size_t>(cfg_.batchsize)) { CutLocked(key.tenant); cv_.notify_all(); }
}

void Client::CutLocked(const std::string& tenant) {
  auto it = current_.find(tenant);
  if (it == current_.end() || it->second.entries == 0) return;
  queue_.push_back(std::move(it->second));
  if (last_ == &it->second) last_ = nullptr;
  current_.erase(it);
}

void Client::SenderLoop() {
  std::unique_lock<std::mutex> l(mu_);
  for (;;) {
    const int64_t now = MonoNowNs();
    std::vector<std::string> due;
    for (auto& [tenant, b] : current_) {
      if (b.entries > 0 && (stopping_ || now - b.created_ns >= cfg_.batchwait_ns)) due.push_back(tenant);
    }
    for (const auto& t : due) CutLocked(t);
    if (queue_.empty()) {
      if (stopping_) break;
      cv_.wait_for(l, std::chrono::milliseconds(std::clamp<int64_t>(cfg_.batchwait_ns / 4000000, 5, 100)));
      continue;
    }
    Batch b = std::move(queue_.front());
    queue_.pop_front();
    l.unlock();
    SendBatch(b);
    inflight_bytes_.fetch_sub(static_cast<int64_t>(b.bytes), std::memory_order_relaxed);
    if (on_capacity_) on_capacity_();
    l.lock();
    if (stopping_ && MonoNowNs() > stop_deadline_ns_) break;  // leave the rest unacknowledged
  }
}

void Client::AckBatch(const Batch& b) {
  for (const auto& [cursor, off] : b.acks) cursor->Ack(index_, off);
}

bool Client::Retryable(int code) const {
  return code == 0 || code >= 500 || (code == 429 && !cfg_.drop_rate_limited_batches);
}

int64_t Client::RetryWait(Backoff& backoff, const PostResult& r) const {
  int64_t wait = backoff.Next();
  if ((r.code == 429 || r.code == 503) && !r.retry_after.empty()) {
    // The store's minimum, plus up to min_period of jitter so hosts told the same value spread out.
    auto ra = ParseRetryAfter(r.retry_after, WallNowNs());
    if (ra) wait = std::max(wait, *ra + backoff.Jitter(backoff.min_ns()));
  }
  return std::min(wait, backoff.max_ns());
}

bool Client::SleepUnlessStopped(int64_t wait_ns) {
  const int64_t wake = MonoNowNs() + wait_ns;
  std::unique_lock<std::mutex> l(mu_);
  while (MonoNowNs() < wake) {
    if (stopping_ && MonoNowNs() > stop_deadline_ns_) return false;
    cv_.wait_for(l, std::chrono::nanoseconds(std::min<int64_t>(wake - MonoNowNs(), 20'000'000)));
  }
  return !(stopping_ && MonoNowNs() > stop_deadline_ns_);
}

void Client::DropBatch(const Batch& b, const PostResult& r) {
  const bool rate_limited = r.code == 429;
  SKALD_LOG(error, "final error sending batch, dropping it", {{"component", "client"}, {"host", metrics_.host()},
            {"status", r.code}, {"entries", b.entries}, {"error", r.err}});
  metrics_.Dropped(b.tenant, rate_limited ? "rate_limited" : "ingester_error", b.entries, compressed_.size());
  AckBatch(b);  // dropped for good: the position may move past these lines
}

void Client::SendBatch(Batch& b) {
  b.enc.Encode(&body_);
  compressed_.clear();
  snappy::Compress(body_.data(), body_.size(), &compressed_);
  metrics_.Encoded(compressed_.size());
  Backoff backoff(cfg_.backoff.min_period_ns, cfg_.backoff.max_period_ns);
  for (int attempt = 1;; ++attempt) {
    const int64_t t0 = MonoNowNs();
    const PostResult r = PostOnce(b.tenant, compressed_);
    metrics_.Request(r.code, static_cast<double>(MonoNowNs() - t0) / 1e9);
    if (r.code >= 200 && r.code < 300) {
      metrics_.Sent(b.entries, compressed_.size());
      AckBatch(b);
      if (cfg_.backoff.max_retries > 0 && attempt > cfg_.backoff.max_retries) {
        SKALD_LOG(info, "held batch delivered, reading resumes", {{"component", "client"},
                  {"host", metrics_.host()}, {"attempts", attempt}, {"entries", b.entries}});
      }
      return;
    }
    if (!Retryable(r.code)) return DropBatch(b, r);
    if (attempt == cfg_.backoff.max_retries) {  // where Promtail drops; Skald keeps the batch
      SKALD_LOG(error, "batch still undelivered after max_retries, holding it and pausing reading "
                "until the store accepts it", {{"component", "client"}, {"host", metrics_.host()},
                {"status", r.code}, {"entries", b.entries}, {"error", r.err}});
      metrics_.Held(b.entries);
    }
    metrics_.Retry(b.tenant);
    const int64_t wait = RetryWait(backoff, r);
    SKALD_LOG(warn, "error sending batch, will retry", {{"component", "client"}, {"host", metrics_.host()},
              {"status", r.code}, {"attempt", attempt}, {"wait_ms", wait / 1'000'000}, {"error", r.err}});
    if (!SleepUnlessStopped(wait)) return;  // unacknowledged: re-read after restart
  }
}

Result<std::string> Client::ReadSecretFile(const std::string& path) const {
  auto secret = skald::ReadSecretFile(path);
  if (!secret.ok()) return Status::Unavailable(secret.status().message());   // retried: the file may come back
  return secret;
}

// Promtail's header order: Content-Type, User-Agent, X-Scope-OrgID (tenant), then `headers` unless
// already set; basic auth / bearer token only when no Authorization header was given.
Result<curl_slist*> Client::RequestHeaders(const std::string& tenant) const {
  curl_slist* h = nullptr;
  h = curl_slist_append(h, "Content-Type: application/x-protobuf");
  h = curl_slist_append(h, (std::string("User-Agent: ") + kUserAgent).c_str());
  if (!tenant.empty()) h = curl_slist_append(h, ("X-Scope-OrgID: " + tenant).c_str());
  bool has_auth = false;
  for (const auto& [k, v] : cfg_.headers) {
    if (HeaderTaken(k, tenant)) continue;
    has_auth = has_auth || ::strcasecmp(k.c_str(), "Authorization") == 0;
    h = curl_slist_append(h, (k + ": " + v).c_str());
  }
  if (!has_auth && (!cfg_.bearer_token.empty() || !cfg_.bearer_token_file.empty())) {
    auto token = cfg_.bearer_token_file.empty() ? Result<std::string>(cfg_.bearer_token)
                                                : ReadSecretFile(cfg_.bearer_token_file);
    if (!token.ok()) {
      curl_slist_free_all(h);
      return token.status().Annotate("bearer_token_file");
    }
    h = curl_slist_append(h, ("Authorization: Bearer " + *token).c_str());
  }
  h = curl_slist_append(h, "Expect:");
  return h;
}

bool Client::HeaderTaken(const std::string& name, const std::string& tenant) const {
  return ::strcasecmp(name.c_str(), "Content-Type") == 0 || ::strcasecmp(name.c_str(), "User-Agent") == 0 ||
         (!tenant.empty() && ::strcasecmp(name.c_str(), "X-Scope-OrgID") == 0);
}

Status Client::ApplyBasicAuth(CURL* c) const {
  const bool has_auth = std::any_of(cfg_.headers.begin(), cfg_.headers.end(), [](const auto& kv) {
    return ::strcasecmp(kv.first.c_str(), "Authorization") == 0;
  });
  if (has_auth || (cfg_.basic_auth_username.empty() && cfg_.basic_auth_password.empty() &&
                   cfg_.basic_auth_password_file.empty())) {
    return Status::Ok();
  }
  auto pw = cfg_.basic_auth_password_file.empty() ? Result<std::string>(cfg_.basic_auth_password)
                                                  : ReadSecretFile(cfg_.basic_auth_password_file);
  if (!pw.ok()) return pw.status().Annotate("basic_auth.password_file");
  curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
  curl_easy_setopt(c, CURLOPT_USERNAME, cfg_.basic_auth_username.c_str());
  curl_easy_setopt(c, CURLOPT_PASSWORD, pw->c_str());
  return Status::Ok();
}

Client::PostResult Client::PostOnce(const std::string& tenant, const std::string& body) {
  PostResult out;
  CURL* c = static_cast<CURL*>(curl_);
  curl_easy_reset(c);
  auto headers = RequestHeaders(tenant);
  Status auth = headers.ok() ? ApplyBasicAuth(c) : headers.status();
  if (!auth.ok()) {  // a secret file went missing after start-up: retried like a network error
    if (headers.ok()) curl_slist_free_all(*headers);
    out.err = auth.message();
    return out;
  }
  curl_slist* h = *headers;
  curl_slist* connect_to = nullptr;
  transport_->Apply(c, "", &h, &connect_to);
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  std::string resp;
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, KeepRetryAfter);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &out.retry_after);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(cfg_.timeout_ns / 1000000));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, KeepBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &resp);
  CURLcode rc = curl_easy_perform(c);
  long code = 0;
  if (rc == CURLE_OK) {
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    if (code >= 300) out.err = resp;
  } else {
    out.err = transport_->Describe(rc, errbuf);
  }
  curl_slist_free_all(h);
  curl_slist_free_all(connect_to);
  out.code = static_cast<int>(code);
  return out;
}

}  // namespace skald::client
