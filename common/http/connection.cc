// The per-connection state machine (see connection.h). Phases: idle (wait until readable, no
// buffer) → reading (head + body under read_timeout) → handling (a worker runs the route; the
// socket is watched for EOF, which cancels the request) → writing (under write_timeout) → idle.
// A TLS connection first handshakes (under read_timeout); its HTTP bytes go through the TLS stream.
#include "common/http/connection.h"

#include <sys/socket.h>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>

#include <condition_variable>
#include <limits>
#include <mutex>

#include "common/http/request_reader.h"
#include "common/http/url.h"
#include "common/http/websocket_session.h"
#include "common/logger.h"

namespace skald::http {

namespace bhttp = beast::http;

struct Exchange {
  Request req;
  Response res;
  const Route* route = nullptr;
};

// A streamed body: the worker's sink waits here while too much is queued for the socket.
struct StreamState {
  std::mutex mu;
  std::condition_variable cv;
  size_t queued = 0;     // guarded by mu
  bool failed = false;   // guarded by mu: the connection is gone
};

namespace {

// The worker's end of a streamed body (see DataSink).
class ChunkSink : public DataSink {
 public:
  ChunkSink(std::shared_ptr<Connection> c, asio::any_io_executor ex, std::shared_ptr<StreamState> st,
            size_t max_queue)
      : conn_(std::move(c)), ex_(std::move(ex)), st_(std::move(st)), max_queue_(max_queue) {}
  bool write(const char* data, size_t n) override {
    if (n == 0) return is_writable();
    {
      std::unique_lock<std::mutex> l(st_->mu);
      st_->cv.wait(l, [&] { return st_->failed || st_->queued < max_queue_; });
      if (st_->failed) return false;
      st_->queued += n;
    }
    asio::post(ex_, [c = conn_, st = st_, s = std::string(data, n)]() mutable { c->StreamChunk(st, std::move(s)); });
    return true;
  }
  bool is_writable() const override {
    std::lock_guard<std::mutex> l(st_->mu);
    return !st_->failed;
  }
  void done() override { done_ = true; }
  bool finished() const { return done_; }

 private:
  std::shared_ptr<Connection> conn_;
  asio::any_io_executor ex_;
  std::shared_ptr<StreamState> st_;
  size_t max_queue_;
  bool done_ = false;
};

void FailStream(StreamState& st) {
  std::lock_guard<std::mutex> l(st.mu);
  st.failed = true;
  st.cv.notify_all();
}

// A handler that throws answers 500 instead of taking the process down (httplib did the same).
void CallHandler(const Route& route, const Request& req, Response& res) {
  try {
    route.handler(req, res);
  } catch (const std::exception& e) {
    SKALD_LOG(error, "http handler failed", {{"path", req.path}, {"err", e.what()}});
    res = Response();
    res.status = 500;
    res.set_content(std::string("internal error: ") + e.what() + "\n", "text/plain; charset=utf-8");
  }
}

std::string StatusLine(int status) {
  auto reason = bhttp::obsolete_reason(bhttp::int_to_status(static_cast<unsigned>(status)));
  return "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason.data(), reason.size()) + "\r\n";
}

// Go's bodies for the statuses a handler left empty (what Loki answers).
void DefaultBody(Response& res) {
  if (!res.body.empty() || res.provider) return;
  if (res.status == 404) res.set_content("404 page not found\n", "text/plain; charset=utf-8");
  if (res.status == 413) res.set_content("request body too large\n", "text/plain; charset=utf-8");
}

std::string Head(const Response& res, size_t body_len, bool chunked, bool keep_alive) {
  std::string h = StatusLine(res.status);
  for (const auto& [k, v] : res.headers) {
    if (strcasecmp(k.c_str(), "Content-Length") == 0 || strcasecmp(k.c_str(), "Connection") == 0) continue;
    h += k;
    h += ": ";
    h += v;
    h += "\r\n";
  }
  if (chunked) {
    h += "Transfer-Encoding: chunked\r\n";
  } else if (res.status >= 200 && res.status != 204 && res.status != 304) {
    h += "Content-Length: " + std::to_string(body_len) + "\r\n";
  }
  if (!keep_alive) h += "Connection: close\r\n";
  h += "\r\n";
  return h;
}

bool HeaderSaysClose(const Response& res) {
  std::string v = res.get_header_value("Connection");
  return strcasecmp(v.c_str(), "close") == 0;
}

}  // namespace

Connection::Connection(ServerCore* core, tcp::socket socket, std::shared_ptr<asio::ssl::context> tls)
    : core_(core), slot_(std::make_unique<ConnSlot>(core)), socket_(std::move(socket)),
      tls_ctx_(std::move(tls)), ex_(socket_.get_executor()), timer_(ex_) {
  beast::error_code ec;
  auto remote = socket_.remote_endpoint(ec);
  if (!ec) {
    remote_addr_ = remote.address().to_string();
    remote_port_ = remote.port();
  }
  auto local = socket_.local_endpoint(ec);
  if (!ec) local_port_ = local.port();
  socket_.set_option(tcp::no_delay(true), ec);
  if (tls_ctx_) tls_ = std::make_unique<TlsStream>(std::move(socket_), *tls_ctx_);
}

Connection::~Connection() { core_->Unregister(this); }

void Connection::Start() {
  std::weak_ptr<Connection> weak = shared_from_this();
  core_->Register(this, [weak](bool force) {
    if (auto c = weak.lock()) asio::post(c->ex_, [c, force] { c->Shutdown(force); });
  });
  // The first request must arrive within the read timeout (Go's ReadTimeout from accept).
  Arm(core_->limits.read_timeout, "read");
  if (!tls_) return ReadHeader();
  tls_->async_handshake(asio::ssl::stream_base::server,
                        [self = shared_from_this()](beast::error_code ec) { self->OnHandshake(ec); });
}

void Connection::OnHandshake(beast::error_code ec) {
  if (ec) {
    if (phase_ != Phase::kClosed) NoteHandshakeFailure(core_->m.tls_handshake_errors, ec.message(), remote_addr_);
    return Close();
  }
  ReadHeader();
}

void Connection::Shutdown(bool force) {
  keep_alive_ = false;
  if (force || phase_ == Phase::kIdle || phase_ == Phase::kReading) Close();
}

void Connection::Arm(std::chrono::milliseconds d, const char* what) {
  uint64_t gen = ++timer_gen_;
  timer_.expires_after(d);
  timer_.async_wait([self = shared_from_this(), gen, what](beast::error_code ec) {
    if (ec || gen != self->timer_gen_) return;
    if (self->phase_ == Phase::kHandling) {
      // Go's WriteTimeout: the handler had its time; tell it to stop, answer whatever it returns.
      if (self->cancel_) self->cancel_->Cancel();
      return;
    }
    self->core_->m.timeouts->WithLabelValues({what}).Inc();
    self->Close();
  });
}

void Connection::WaitForRequest() {
  phase_ = Phase::kIdle;
  if (buffer_.size() > 0) {  // pipelined bytes already read
    Arm(core_->limits.read_timeout, "read");
    return ReadHeader();
  }
  buffer_.shrink_to_fit();  // an idle connection holds no buffer
  msg_ = {};
  Arm(core_->limits.idle_timeout, "idle");
  auto on_readable = [self = shared_from_this()](beast::error_code ec, size_t n) {
    if (ec || self->phase_ == Phase::kClosed) return self->Close();
    self->buffer_.commit(n);
    self->Arm(self->core_->limits.read_timeout, "read");
    self->ReadHeader();
  };
  if (tls_) {
    // TLS may hold decrypted bytes the socket no longer shows: wait by reading one byte.
    return tls_->async_read_some(buffer_.prepare(1), std::move(on_readable));
  }
  socket_.async_wait(tcp::socket::wait_read,
                     [on_readable = std::move(on_readable)](beast::error_code ec) mutable { on_readable(ec, 0); });
}

void Connection::ReadHeader() {
  if (core_->stopping.load()) keep_alive_ = false;
  phase_ = Phase::kReading;
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(core_->limits.max_header_bytes));
  // The route's limit is set once the head is known (OnHeader); Beast would check Content-Length
  // against this one while parsing the head.
  parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
  WithStream([this](auto& s) {
    bhttp::async_read_header(s, buffer_, *parser_,
                             [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  });
}

void Connection::OnHeader(beast::error_code ec) {
  if (ec == bhttp::error::end_of_stream || ec == asio::error::eof || ec == asio::error::operation_aborted) return Close();
  if (ec == bhttp::error::header_limit) return Reject(431, "request header fields too large\n");
  if (ec == bhttp::error::body_limit) return Reject(413, "request body too large\n");
  if (ec) return phase_ == Phase::kClosed ? Close() : Reject(400, "400 Bad Request\n");
  const auto& h = parser_->get();
  std::string_view target(h.target().data(), h.target().size());
  std::string path = DecodeUrl(target.substr(0, target.find('?')), false);
  std::string method(h.method_string());
  size_t limit = core_->router.BodyLimit(method, path, core_->limits.max_body_bytes);
  if (limit == 0) limit = core_->limits.max_body_bytes;
  auto len = parser_->content_length();
  if (len && *len > limit) {
    return Reject(413, "request body too large: " + std::to_string(*len) + " bytes, limit: " +
                           std::to_string(limit) + " bytes\n");
  }
  parser_->body_limit(limit);
  body_limit_ = limit;
  auto expect = h[bhttp::field::expect];
  if (!parser_->is_done() && strcasecmp(std::string(expect).c_str(), "100-continue") == 0) {
    // curl waits for this before sending a large body.
    static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    WithStream([this](auto& s) {
      asio::async_write(s, asio::buffer(kContinue), [self = shared_from_this()](beast::error_code e, size_t) {
        if (e) return self->Close();
        self->ReadBody();
      });
    });
    return;
  }
  ReadBody();
}

// Reads the body a piece at a time. The read buffer starts small (an idle or trickling client holds
// ~512 bytes) and doubles, up to kMaxBodyRead, while reads fill it: a fast client's megabyte body
// then takes ~20 reads instead of ~2,000 of 512 bytes (Beast reads what the buffer has room for;
// those syscalls were a quarter of the store's push CPU, #19).
void Connection::ReadBody() {
  if (parser_->is_done()) return OnBody({});
  const size_t room = buffer_.capacity() - buffer_.size();
  WithStream([this, room](auto& s) {
    bhttp::async_read_some(s, buffer_, *parser_, [self = shared_from_this(), room](beast::error_code ec, size_t n) {
      if (ec) return self->OnBody(ec);
      if (n >= room && self->buffer_.capacity() < kMaxBodyRead)
        self->buffer_.reserve(std::min(kMaxBodyRead, std::max<size_t>(2 * self->buffer_.capacity(), 1024)));
      self->ReadBody();
    });
  });
}

void Connection::OnBody(beast::error_code ec) {
  if (ec == bhttp::error::body_limit) {
    return Reject(413, "request body too large: more than " + std::to_string(parser_->get().body().size()) +
                           " bytes read, limit: " + std::to_string(body_limit_) + " bytes\n");
  }
  if (ec) return phase_ == Phase::kClosed ? Close() : Reject(400, "400 Bad Request\n");
  msg_ = parser_->release();
  parser_.reset();
  Dispatch();
}

void Connection::Dispatch() {
  auto ex = std::make_shared<Exchange>();
  Request& r = ex->req;
  ReadRequest(msg_, &r);
  r.remote_addr = remote_addr_;
  r.remote_port = remote_port_;
  r.local_port = local_port_;
  cancel_ = std::make_shared<CancelFlag>();
  r.cancel = cancel_;
  keep_alive_ = keep_alive_ && msg_.keep_alive() && !core_->stopping.load();
  head_only_ = r.method == "HEAD";
  ex->route = core_->router.Find(r.method, r.path, &r.matches);
  phase_ = Phase::kHandling;
  if (!ex->route) {
    ex->res.status = 404;
    return Respond(*ex);
  }
  if (ex->route->cls == RouteClass::kInline) {
    CallHandler(*ex->route, ex->req, ex->res);
    return OnHandled(ex);
  }
  WorkerPool* pool = ex->route->cls == RouteClass::kQuery                          ? core_->queries.get()
                     : ex->route->cls == RouteClass::kIngest && core_->ingest != nullptr ? core_->ingest.get()
                                                                                          : core_->workers.get();
  auto self = shared_from_this();
  bool queued = pool->Submit([self, ex] { self->RunHandler(ex); });
  if (!queued) {
    if (ex->route->cls == RouteClass::kQuery) core_->m.queries_refused->Inc();
    ex->res.status = ex->route->cls == RouteClass::kQuery ? 429 : 503;
    ex->res.set_content(ex->route->cls == RouteClass::kQuery ? "too many outstanding requests\n"
                                                             : "server busy: too many queued requests\n",
                        "text/plain; charset=utf-8");
    return Respond(*ex);
  }
  Arm(core_->limits.write_timeout, "write");
  WatchPeer();
}

// On a worker thread.
void Connection::RunHandler(std::shared_ptr<Exchange> ex) {
  auto self = shared_from_this();
  if (ex->req.cancelled()) {  // gone or timed out while queued: nobody waits for the work
    ex->res.status = 504;
    ex->res.set_content("request timed out before it could run\n", "text/plain; charset=utf-8");
  } else {
    CallHandler(*ex->route, ex->req, ex->res);
  }
  if (!ex->res.provider || ex->req.cancelled()) {
    return asio::post(ex_, [self, ex] { self->OnHandled(ex); });
  }
  auto st = std::make_shared<StreamState>();
  asio::post(ex_, [self, ex, st] { self->StartStream(ex, st); });
  ChunkSink sink(self, ex_, st, core_->limits.max_stream_queue_bytes);
  bool ok = true;
  for (size_t offset = 0; ok && !sink.finished() && sink.is_writable();) {
    ok = ex->res.provider(offset, sink);
  }
  ok = ok && sink.finished();
  if (ex->res.releaser) ex->res.releaser(ok);
  ex->res.provider = nullptr;  // releases what the provider holds on this thread
  asio::post(ex_, [self, st, ok] { self->EndStream(st, ok); });
}

void Connection::WatchPeer() {
  watching_ = true;
  Sock().async_wait(tcp::socket::wait_read,
                    [self = shared_from_this()](beast::error_code ec) { self->OnPeerEvent(ec); });
}

// Readable while the handler runs: EOF means the client went away (cancel its request); data is
// a pipelined request, read after this response.
void Connection::OnPeerEvent(beast::error_code ec) {
  watching_ = false;
  if (ec == asio::error::operation_aborted || phase_ != Phase::kHandling) return;
  char c;
  ssize_t n = ec ? -1 : ::recv(Sock().native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n > 0) return;  // pipelined data: stop watching (readable stays true)
  if (n < 0 && !ec && (errno == EAGAIN || errno == EWOULDBLOCK)) return WatchPeer();
  if (cancel_ && !cancel_->cancelled()) {
    cancel_->Cancel();
    core_->m.cancelled->Inc();
  }
  keep_alive_ = false;
}

void Connection::OnHandled(std::shared_ptr<Exchange> ex) {
  if (phase_ == Phase::kClosed) return;
  if (watching_) {
    beast::error_code ignore;
    Sock().cancel(ignore);
    watching_ = false;
  }
  if (ex->res.websocket && (ex->res.status == -1 || ex->res.status == 101) && !cancel_->cancelled()) {
    return Upgrade(ex);
  }
  Respond(*ex);
}

void Connection::Respond(Exchange& ex) {
  Response& res = ex.res;
  if (res.status == -1) res.status = 200;
  DefaultBody(res);
  if (HeaderSaysClose(res)) keep_alive_ = false;
  core_->m.requests->WithLabelValues({std::to_string(res.status)}).Inc();
  Out o;
  o.head = Head(res, res.body.size(), false, keep_alive_);
  if (!head_only_) o.body = std::move(res.body);
  o.last = true;
  phase_ = Phase::kWriting;
  Queue(std::move(o));
}

void Connection::Reject(int status, std::string body) {
  keep_alive_ = false;
  parser_.reset();
  Response res;
  res.status = status;
  res.set_content(std::move(body), "text/plain; charset=utf-8");
  core_->m.requests->WithLabelValues({std::to_string(status)}).Inc();
  Out o;
  o.head = Head(res, res.body.size(), false, false);
  o.body = std::move(res.body);
  o.last = true;
  phase_ = Phase::kWriting;
  Queue(std::move(o));
}

void Connection::StartStream(std::shared_ptr<Exchange> ex, std::shared_ptr<StreamState> st) {
  stream_ = st;
  if (phase_ == Phase::kClosed) return FailStream(*st);
  if (watching_) {
    beast::error_code ignore;
    Sock().cancel(ignore);
    watching_ = false;
  }
  Response& res = ex->res;
  if (res.status == -1) res.status = 200;
  core_->m.requests->WithLabelValues({std::to_string(res.status)}).Inc();
  Disarm();  // a stream has no total deadline: each write has the write timeout
  phase_ = Phase::kWriting;
  Queue(Out{Head(res, 0, true, keep_alive_), "", nullptr, 0, false});
}

void Connection::StreamChunk(std::shared_ptr<StreamState> st, std::string chunk) {
  size_t n = chunk.size();
  if (phase_ == Phase::kClosed) return FailStream(*st);
  char size_line[32];
  int len = snprintf(size_line, sizeof(size_line), "%zx\r\n", n);
  chunk.append("\r\n");
  Queue(Out{std::string(size_line, static_cast<size_t>(len)), std::move(chunk), std::move(st), n, false});
}

void Connection::EndStream(std::shared_ptr<StreamState>, bool ok) {
  stream_.reset();
  if (phase_ == Phase::kClosed) return;
  if (!ok) return Close();  // a cut stream must not look complete: no final chunk
  Queue(Out{"0\r\n\r\n", "", nullptr, 0, true});
}

void Connection::Queue(Out o) {
  out_.push_back(std::move(o));
  if (!writing_) DoWrite();
}

void Connection::DoWrite() {
  writing_ = true;
  Arm(core_->limits.write_timeout, "write");
  const Out& o = out_.front();
  std::array<asio::const_buffer, 2> bufs{asio::buffer(o.head), asio::buffer(o.body)};
  WithStream([&](auto& s) {
    asio::async_write(s, bufs, [self = shared_from_this()](beast::error_code ec, size_t) { self->OnWrite(ec); });
  });
}

void Connection::OnWrite(beast::error_code ec) {
  writing_ = false;
  if (phase_ == Phase::kClosed) return;
  Out done = std::move(out_.front());
  out_.pop_front();
  if (done.stream) {
    std::lock_guard<std::mutex> l(done.stream->mu);
    done.stream->queued -= std::min(done.stream->queued, done.stream_bytes);
    if (ec) done.stream->failed = true;
    done.stream->cv.notify_all();
  }
  if (ec) return Close();
  if (!out_.empty()) return DoWrite();
  Disarm();
  if (done.last) ResponseDone();
}

void Connection::ResponseDone() {
  cancel_.reset();
  if (!keep_alive_) {
    beast::error_code ignore;
    Sock().shutdown(tcp::socket::shutdown_send, ignore);
    return Close();
  }
  WaitForRequest();
}

void Connection::Upgrade(std::shared_ptr<Exchange> ex) {
  Disarm();
  phase_ = Phase::kClosed;  // the socket now belongs to the WebSocket session
  core_->m.requests->WithLabelValues({"101"}).Inc();
  if (tls_) {
    auto ws = std::make_shared<WebSocketSession<TlsStream>>(core_, std::move(*tls_), std::move(slot_),
                                                            std::move(ex->res.websocket));
    return ws->Start(std::move(msg_), std::move(buffer_));
  }
  auto ws = std::make_shared<WebSocketSession<tcp::socket>>(core_, std::move(socket_), std::move(slot_),
                                                            std::move(ex->res.websocket));
  ws->Start(std::move(msg_), std::move(buffer_));
}

void Connection::Close() {
  if (phase_ == Phase::kClosed && !Sock().is_open()) return;
  phase_ = Phase::kClosed;
  Disarm();
  if (cancel_) cancel_->Cancel();
  beast::error_code ignore;
  Sock().close(ignore);
  if (stream_) FailStream(*stream_);
  out_.clear();
}

}  // namespace skald::http
