// HTTP(S) requests to one write node and the mapping of their outcomes to Status (peer_client.h).
#include "store/cluster/peer_client.h"

#include <fmt/format.h>
#include <httplib.h>

#include <chrono>

#include "common/logger.h"

namespace skald::cluster {
namespace {

constexpr size_t kMaxIdle = 8;

// The handler's frames pass through; an ERROR frame becomes the request's status.
class ErrorCatcher : public FrameHandler {
 public:
  explicit ErrorCatcher(FrameHandler* inner) : inner_(inner) {}
  bool OnStream(LabelSet ls) override { return inner_->OnStream(std::move(ls)); }
  bool OnEntry(LogEntry e) override { return inner_->OnEntry(std::move(e)); }
  void OnEnd(bool more) override { inner_->OnEnd(more); }
  void OnError(int status, std::string msg) override { status_ = status, msg_ = std::move(msg); }
  int status_ = 0;
  std::string msg_;

 private:
  FrameHandler* inner_;
};

Code CodeForHttp(int status) {
  if (status == 400 || status == 413 || status == 422) return Code::kInvalidArgument;
  if (status == 504) return Code::kTimeout;
  if (status == 499) return Code::kCancelled;
  return Code::kUnavailable;
}

const char* ReasonFor(Code c) {
  switch (c) {
    case Code::kTimeout: return "timeout";
    case Code::kInvalidArgument: return "refused";
    case Code::kCancelled: return "cancelled";
    default: return "unavailable";
  }
}

std::string Trim(std::string s) {
  if (s.size() > 512) s.resize(512);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

}  // namespace

PeerMetrics::PeerMetrics(metrics::Registry& r)
    : duration(r.NewHistogramVec("loki_ingester_client_request_duration_seconds",
                                 "Time spent doing requests to write nodes (ingesters) from a read node.",
                                 {"operation", "status_code"}, metrics::ExponentialBuckets(0.001, 4, 8))),
      failures(r.NewCounterVec("skald_cluster_peer_failures_total",
                               "Requests to write nodes that failed, by node and reason (unavailable, "
                               "timeout, refused, bad_answer, cancelled).", {"node", "reason"})) {}

PeerClient::PeerClient(Peer peer, PeerClientOptions o, PeerMetrics* m)
    : peer_(std::move(peer)), o_(std::move(o)), m_(m) {}

PeerClient::~PeerClient() = default;

std::unique_ptr<httplib::Client> PeerClient::Take() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
  }
  auto c = o_.tls.cert_file.empty() ? std::make_unique<httplib::Client>(peer_.base_url)
                                    : std::make_unique<httplib::Client>(peer_.base_url, o_.tls.cert_file, o_.tls.key_file);
  const auto timeout = std::chrono::nanoseconds(o_.timeout_ns);
  c->set_connection_timeout(timeout);
  c->set_read_timeout(timeout);
  c->set_write_timeout(timeout);
  c->set_keep_alive(true);
  if (!o_.tls.ca_file.empty()) c->set_ca_cert_path(o_.tls.ca_file.c_str());
  c->enable_server_certificate_verification(!o_.tls.insecure_skip_verify);
  if (!o_.creds.username.empty()) c->set_basic_auth(o_.creds.username, o_.creds.password);
  if (!o_.creds.bearer_token.empty()) c->set_bearer_token_auth(o_.creds.bearer_token);
  return c;
}

void PeerClient::Give(std::unique_ptr<httplib::Client> c) {
  std::lock_guard lock(mu_);
  if (idle_.size() < kMaxIdle) idle_.push_back(std::move(c));
}

// What one request did, before it is judged.
struct PeerClient::Exchange {
  bool completed = false;     // httplib got a whole response
  std::string transport;      // httplib's error when not
  bool timed_out = false;
  int http_status = 0;
  std::string err_body;       // a non-200 answer's text
  Status decode;              // the frames' problem (checksum, cut short)
  int frame_status = 0;       // an ERROR frame's status, and its message
  std::string frame_message;
};

PeerClient::Exchange PeerClient::Run(const std::string& target, const std::string& tenant, FrameHandler* h) {
  Exchange x;
  ErrorCatcher catcher(h);
  FrameDecoder dec(&catcher);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::nanoseconds(o_.timeout_ns);
  auto cli = Take();
  auto res = cli->Get(
      target, httplib::Headers{{"X-Scope-OrgID", tenant}},
      [&](const httplib::Response& r) { x.http_status = r.status; return true; },
      [&](const char* data, size_t n) {
        if (std::chrono::steady_clock::now() > deadline) return x.timed_out = true, false;
        if (x.http_status != 200) {
          if (x.err_body.size() < 4096) x.err_body.append(data, n);
          return true;
        }
        x.decode = dec.Feed(data, n);
        return x.decode.ok();
      });
  x.completed = static_cast<bool>(res);
  if (!res) x.transport = httplib::to_string(res.error());
  if (!res && res.error() == httplib::Error::Read && std::chrono::steady_clock::now() > deadline) x.timed_out = true;
  if (x.completed && x.http_status == 200 && x.decode.ok()) x.decode = dec.Finish();
  x.frame_status = catcher.status_;
  x.frame_message = catcher.msg_;
  if (x.completed && x.http_status == 200 && x.decode.ok() && x.frame_status == 0) Give(std::move(cli));
  return x;
}

// The request's status, and its status_code / failure reason labels.
PeerClient::Outcome PeerClient::Judge(const Exchange& x) const {
  const std::string who = peer_.base_url == peer_.node ? peer_.node : fmt::format("{} ({})", peer_.base_url, peer_.node);
  if (x.timed_out)
    return {"timeout", "timeout",
            Status(Code::kTimeout, fmt::format("write node {} did not answer within {}s", who, o_.timeout_ns / 1e9))};
  if (!x.completed)   // refused, reset, or cut short mid-answer
    return {"error", "unavailable",
            Status::Unavailable(fmt::format("write node {} unavailable: {} error (down, or cut the answer short)",
                                            who, x.transport))};
  if (x.http_status != 200) {
    Code c = CodeForHttp(x.http_status);
    return {std::to_string(x.http_status), ReasonFor(c),
            Status(c, fmt::format("write node {} answered {}: {}", who, x.http_status, Trim(x.err_body)))};
  }
  if (x.frame_status != 0) {
    Code c = CodeForHttp(x.frame_status);
    return {std::to_string(x.frame_status), ReasonFor(c), Status(c, fmt::format("write node {}: {}", who, x.frame_message))};
  }
  if (!x.decode.ok() && x.decode.code() != Code::kCancelled)
    return {"error", "bad_answer", Status::Unavailable(fmt::format("write node {}: {}", who, x.decode.message()))};
  return {"200", "", Status::Ok()};
}

Status PeerClient::Get(const std::string& operation, const std::string& path, const QueryParams& params,
                       const std::string& tenant, FrameHandler* h) {
  const auto t0 = std::chrono::steady_clock::now();
  Outcome out;
  if (!peer_.error.empty()) {
    out = {"error", "unavailable",
           Status::Unavailable(fmt::format("write node {} unavailable: {}", peer_.node, peer_.error))};
  } else {
    const std::string target = httplib::append_query_params(path, httplib::Params(params.begin(), params.end()));
    out = Judge(Run(target, tenant, h));
  }
  m_->duration.WithLabelValues({operation, out.code})
      .Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  if (!out.status.ok()) m_->failures.WithLabelValues({peer_.node, out.reason}).Inc();
  return out.status;
}

}  // namespace skald::cluster
