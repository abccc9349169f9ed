// PeerTail over Beast (see peer_tail.h): resolve, connect, TLS, WebSocket upgrade, then a read
// loop of text frames; every step bounded by the peer timeout, and a backoff timer between tries.
#include "store/cluster/peer_tail.h"

#include <fmt/format.h>
#include <openssl/ssl.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/core/detail/base64.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <limits>
#include <type_traits>

#include "common/backoff.h"
#include "common/logger.h"
#include "store/api/live_tail_source.h"

namespace skald::cluster {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

struct Endpoint {
  bool https = false;
  std::string host, port;
};

// "http://h:p", "https://h:p", "http://[v6]:p" (PeerSet's base URLs).
Result<Endpoint> ParseBaseUrl(const std::string& url) {
  Endpoint e;
  std::string_view rest = url;
  if (rest.rfind("https://", 0) == 0) e.https = true, rest.remove_prefix(8);
  else if (rest.rfind("http://", 0) == 0) rest.remove_prefix(7);
  else return Status::Invalid("not an http(s) URL: " + url);
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == rest.size()) return Status::Invalid("no port in " + url);
  std::string_view host = rest.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  e.host = std::string(host);
  e.port = std::string(rest.substr(colon + 1));
  return e;
}

std::string PercentEncode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out.push_back(static_cast<char>(c));
    else out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::string Authorization(const PeerCredentials& c) {
  if (!c.bearer_token.empty()) return "Bearer " + c.bearer_token;
  if (c.username.empty()) return "";
  const std::string plain = c.username + ":" + c.password;
  std::string enc(beast::detail::base64::encoded_size(plain.size()), '\0');
  enc.resize(beast::detail::base64::encode(enc.data(), plain.data(), plain.size()));
  return "Basic " + enc;
}

// What a connection reports to its PeerTail.
struct ConnEvents {
  std::function<void()> upgraded;
  std::function<std::string(std::string text)> frame;   // non-empty: a bad frame, the connection ends
  std::function<void(std::string err, bool self)> end;  // once; self: the peer is this node
};

class ConnBase {
 public:
  virtual ~ConnBase() = default;
  virtual void Run() = 0;
  virtual void Cancel() = 0;
};

// One connection attempt and its read loop. Lives on the I/O thread; its handlers hold it.
template <typename Next>
class Conn : public ConnBase, public std::enable_shared_from_this<Conn<Next>> {
 public:
  static constexpr bool kTls = std::is_same_v<Next, TlsStream>;

  Conn(asio::io_context& io, asio::ssl::context* tls, Endpoint ep, std::string target, const PeerTailOptions& o,
       ConnEvents ev)
      : ws_(Make(io, tls)), resolver_(io), ep_(std::move(ep)), target_(std::move(target)),
        timeout_(std::chrono::nanoseconds(o.timeout_ns)), tenant_(o.tenant), auth_(Authorization(o.creds)),
        peer_id_(o.peer_tail_id), verify_(tls != nullptr), ev_(std::move(ev)) {}

  void Run() override {
    resolver_.async_resolve(ep_.host, ep_.port, [self = this->shared_from_this()](beast::error_code ec,
                                                                                  tcp::resolver::results_type r) {
      if (ec) return self->End("resolving " + self->ep_.host + ": " + ec.message());
      beast::get_lowest_layer(self->ws_).expires_after(self->timeout_);
      beast::get_lowest_layer(self->ws_).async_connect(r, [self](beast::error_code ec, const tcp::endpoint&) {
        if (ec) return self->End("connect: " + ec.message());
        self->Secure();
      });
    });
  }

  void Cancel() override {
    cancelled_ = true;
    CloseSocket();
  }

 private:
  static websocket::stream<Next> Make(asio::io_context& io, asio::ssl::context* tls) {
    if constexpr (kTls) return websocket::stream<Next>(io, *tls);
    else return websocket::stream<Next>(io);
  }

  void CloseSocket() {
    resolver_.cancel();
    beast::error_code ignore;
    beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ignore);
    beast::get_lowest_layer(ws_).socket().close(ignore);
  }

  void Secure() {
    if constexpr (kTls) {
      auto& ssl = ws_.next_layer();
      SSL_set_tlsext_host_name(ssl.native_handle(), ep_.host.c_str());
      if (verify_) ssl.set_verify_callback(asio::ssl::host_name_verification(ep_.host));
      ssl.async_handshake(asio::ssl::stream_base::client, [self = this->shared_from_this()](beast::error_code ec) {
        if (ec) return self->End("TLS handshake: " + ec.message());
        self->Upgrade();
      });
    } else {
      Upgrade();
    }
  }

  void Upgrade() {
    beast::get_lowest_layer(ws_).expires_never();   // the WebSocket's own timeouts from here on
    websocket::stream_base::timeout t{};
    t.handshake_timeout = timeout_;
    t.idle_timeout = std::chrono::seconds(30);      // pings at 15 s; a silent write node is dropped
    t.keep_alive_pings = true;
    ws_.set_option(t);
    ws_.set_option(websocket::stream_base::decorator([tenant = tenant_, auth = auth_, id = peer_id_](
                                                         websocket::request_type& req) {
      req.set("X-Scope-OrgID", tenant);
      if (!auth.empty()) req.set(beast::http::field::authorization, auth);
      if (!id.empty()) req.set(api::kPeerTailHeader, id);   // the write node must not fan out again
    }));
    ws_.read_message_max(64u << 20);
    const std::string host = ep_.host.find(':') != std::string::npos ? "[" + ep_.host + "]:" + ep_.port
                                                                     : ep_.host + ":" + ep_.port;
    ws_.async_handshake(res_, host, target_, [self = this->shared_from_this()](beast::error_code ec) {
      if (ec) {
        const unsigned st = self->res_.result_int();
        if (st == 0 || st == 101) return self->End("WebSocket upgrade: " + ec.message());
        const std::string body = self->res_.body().substr(0, 200);
        return self->End(fmt::format("tail refused: HTTP {}{}{}", st, body.empty() ? "" : ": ", body),
                         st == static_cast<unsigned>(api::kPeerTailSelfStatus));
      }
      self->ev_.upgraded();
      self->Read();
    });
  }

  void Read() {
    ws_.async_read(buf_, [self = this->shared_from_this()](beast::error_code ec, size_t) {
      if (ec) {
        if (ec == websocket::error::closed) {
          const auto& why = self->ws_.reason();
          return self->End(fmt::format("closed by the write node ({}: {})", static_cast<int>(why.code),
                                       std::string(why.reason.data(), why.reason.size())));
        }
        return self->End(ec.message());
      }
      std::string bad = self->ev_.frame(beast::buffers_to_string(self->buf_.data()));
      self->buf_.consume(self->buf_.size());
      if (!bad.empty()) {   // ends this connection; the PeerTail reconnects
        self->CloseSocket();
        return self->End(std::move(bad));
      }
      if (!self->cancelled_) self->Read();
    });
  }

  void End(std::string err, bool self = false) {
    if (ended_) return;
    ended_ = true;
    ev_.end(cancelled_ ? "cancelled" : std::move(err), self && !cancelled_);
  }

  websocket::stream<Next> ws_;
  tcp::resolver resolver_;
  Endpoint ep_;
  std::string target_;
  std::chrono::steady_clock::duration timeout_;
  std::string tenant_, auth_, peer_id_;
  bool verify_;
  ConnEvents ev_;
  websocket::response_type res_;
  beast::flat_buffer buf_;
  bool cancelled_ = false, ended_ = false;
};

std::atomic<uint64_t> g_next_conn{api::kFirstRemoteSource};
constexpr int64_t kResumeMarginNs = 1000000000LL;

// The retry loop around connections. Its members are touched on the I/O thread only.
class PeerTailImpl : public PeerTail, public std::enable_shared_from_this<PeerTailImpl> {
 public:
  PeerTailImpl(asio::io_context& io, PeerTailOptions o, PeerTailEvents ev, Endpoint ep)
      : io_(io), o_(std::move(o)), ev_(std::move(ev)), ep_(std::move(ep)),
        backoff_(o_.backoff_min_ns, o_.backoff_max_ns), retry_(io), settle_(io) {}

  void Attempt() {
    if (stopped_) return;
    ConnEvents ce;
    auto self = shared_from_this();
    const uint64_t id = g_next_conn++;
    conn_id_ = id;
    established_ = false;
    ce.upgraded = [self, id] { self->Upgraded(id); };
    ce.frame = [self, id](std::string text) { return self->Frame(id, text); };
    ce.end = [self, id](std::string err, bool is_self) { self->End(id, std::move(err), is_self); };
    const int64_t start = newest_ns_ == kNone ? o_.start_ns : newest_ns_ - kResumeMarginNs;
    const std::string target = PeerTailTarget(o_.query, start, o_.limit);
    if (ep_.https) conn_ = std::make_shared<Conn<TlsStream>>(io_, o_.tls.get(), ep_, target, o_, std::move(ce));
    else conn_ = std::make_shared<Conn<beast::tcp_stream>>(io_, nullptr, ep_, target, o_, std::move(ce));
    conn_->Run();
  }

  // On the I/O thread it takes effect at once (the fan-out stops its tails there).
  void Stop() override {
    auto stop = [self = shared_from_this()] {
      self->stopped_ = true;
      self->retry_.cancel();
      self->settle_.cancel();
      if (self->conn_) self->conn_->Cancel();
      self->conn_.reset();   // its pending handlers finish it (and let go of this)
    };
    if (io_.get_executor().running_in_this_thread()) stop();
    else asio::post(io_, stop);
  }

 private:
  static constexpr int64_t kNone = std::numeric_limits<int64_t>::min();

  // The upgrade succeeded, but a write node refuses only after it: up at the first frame, or
  // once the connection has stayed open for established_after_ns.
  void Upgraded(uint64_t id) {
    if (stopped_ || id != conn_id_) return;
    settle_.expires_after(std::chrono::nanoseconds(o_.established_after_ns));
    settle_.async_wait([self = shared_from_this(), id](beast::error_code ec) {
      if (!ec && id == self->conn_id_ && !self->stopped_) self->Established();
    });
  }

  void Established() {
    if (established_) return;
    established_ = true;
    settle_.cancel();
    backoff_.Reset();
    if (failures_ > 0)
      SKALD_LOG(info, "write node tail reconnected", {{"node", o_.peer.node}, {"url", o_.peer.base_url}});
    failures_ = 0;
    if (ev_.up) ev_.up();
  }

  std::string Frame(uint64_t id, const std::string& text) {
    if (stopped_ || id != conn_id_) return "";
    auto f = ParseTailFrame(text);
    if (!f.ok()) {
      SKALD_LOG(warn, "write node sent a bad tail frame; reconnecting", {{"node", o_.peer.node}, {"err", f.status().message()}});
      return "bad frame: " + f.status().message();
    }
    Established();
    for (const auto& st : f->streams)
      for (const auto& e : st.second) newest_ns_ = std::max(newest_ns_, e.ts_ns);
    if (ev_.frame) ev_.frame(id, std::move(*f));
    return "";
  }

  void End(uint64_t id, std::string err, bool is_self) {
    if (id != conn_id_) return;
    conn_.reset();
    settle_.cancel();
    if (stopped_) return;
    if (is_self) {   // this node is in its own write_nodes: nothing to follow there, ever
      SKALD_LOG(info, "write node is this node: not tailed", {{"node", o_.peer.node}, {"url", o_.peer.base_url}});
      stopped_ = true;
      if (ev_.self) ev_.self();
      return;
    }
    if (failures_++ == 0)
      SKALD_LOG(warn, "write node tail broke; reconnecting with backoff",
                {{"node", o_.peer.node}, {"url", o_.peer.base_url}, {"err", err}});
    if (ev_.down) ev_.down(err);
    retry_.expires_after(std::chrono::nanoseconds(backoff_.Next()));
    retry_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->Attempt();
    });
  }

  asio::io_context& io_;
  PeerTailOptions o_;
  PeerTailEvents ev_;
  Endpoint ep_;
  Backoff backoff_;
  asio::steady_timer retry_, settle_;
  int64_t newest_ns_ = kNone;   // the newest entry timestamp this write node sent
  std::shared_ptr<ConnBase> conn_;
  uint64_t conn_id_ = 0;
  bool established_ = false;    // the current connection is up
  bool stopped_ = false;
  int failures_ = 0;            // since the last connection that was up
};

}  // namespace

std::string PeerTailTarget(const std::string& query, int64_t start_ns, uint32_t limit) {
  return fmt::format("/loki/api/v1/tail?query={}&start={}&limit={}", PercentEncode(query), start_ns, limit);
}

std::shared_ptr<PeerTail> StartPeerTail(asio::io_context& io, PeerTailOptions o, PeerTailEvents ev) {
  auto ep = ParseBaseUrl(o.peer.base_url);
  if (!ep.ok()) return nullptr;   // PeerSet only makes http(s) URLs
  auto t = std::make_shared<PeerTailImpl>(io, std::move(o), std::move(ev), std::move(*ep));
  asio::post(io, [t] { t->Attempt(); });
  return t;
}

}  // namespace skald::cluster
