// WebSocket session over Beast (see websocket_session.h): accept, a read loop for client frames,
// one write at a time from a queue, close after the queued frames.
#include "common/http/websocket_session.h"

#include <boost/asio/post.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

namespace skald::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

template <typename Stream>
WebSocketSession<Stream>::WebSocketSession(ServerCore* core, Stream stream, std::unique_ptr<ConnSlot> slot,
                                           std::shared_ptr<WebSocketHandler> handler)
    : core_(core), ws_(std::move(stream)), ex_(ws_.get_executor()), slot_(std::move(slot)),
      handler_(std::move(handler)) {}

template <typename Stream>
WebSocketSession<Stream>::~WebSocketSession() { core_->Unregister(this); }

template <typename Stream>
void WebSocketSession<Stream>::Start(beast::http::request<beast::http::string_body> req, beast::flat_buffer buffer) {
  std::weak_ptr<WebSocketSession> weak = this->shared_from_this();
  core_->Register(this, [weak](bool) {
    if (auto s = weak.lock()) s->Close(1001, "server shutting down");
  });
  rbuf_ = std::move(buffer);
  websocket::stream_base::timeout t{};
  t.handshake_timeout = core_->limits.read_timeout;
  t.idle_timeout = std::chrono::seconds(30);  // pings at half of it; a silent dead peer is closed
  t.keep_alive_pings = true;
  ws_.set_option(t);
  ws_.read_message_max(64 * 1024);
  ws_.async_accept(req, [self = this->shared_from_this()](beast::error_code ec) {
    if (ec) return self->Fail();
    self->accepted_ = true;
    if (self->handler_) self->handler_->OnOpen(self);
    self->Read();
    if (!self->out_.empty() && !self->writing_) self->DoWrite();
  });
}

template <typename Stream>
void WebSocketSession<Stream>::Read() {
  ws_.async_read(rbuf_, [self = this->shared_from_this()](beast::error_code ec, size_t) {
    if (ec) return self->Fail();
    std::string text = beast::buffers_to_string(self->rbuf_.data());
    self->rbuf_.consume(self->rbuf_.size());
    if (self->open_.load() && self->handler_) self->handler_->OnMessage(text);
    self->Read();
  });
}

template <typename Stream>
void WebSocketSession<Stream>::SendText(std::string text) {
  if (!open_.load()) return;
  queued_.fetch_add(text.size());
  asio::post(ex_, [self = this->shared_from_this(), t = std::move(text)]() mutable {
    if (!self->open_.load() || self->close_) {
      self->queued_.fetch_sub(t.size());
      return;
    }
    self->out_.push_back(std::move(t));
    if (self->accepted_ && !self->writing_) self->DoWrite();
  });
}

template <typename Stream>
void WebSocketSession<Stream>::DoWrite() {
  writing_ = true;
  ws_.text(true);
  ws_.async_write(asio::buffer(out_.front()), [self = this->shared_from_this()](beast::error_code ec, size_t) {
    self->writing_ = false;
    if (self->out_.empty()) return;
    self->queued_.fetch_sub(self->out_.front().size());
    self->out_.pop_front();
    if (ec) return self->Fail();
    if (!self->out_.empty()) return self->DoWrite();
    if (self->close_) self->DoClose();
  });
}

template <typename Stream>
void WebSocketSession<Stream>::Close(uint16_t code, std::string reason) {
  asio::post(ex_, [self = this->shared_from_this(), code, r = std::move(reason)] {
    if (!self->open_.load() || self->close_) return;
    // RFC 6455 close reasons are at most 123 bytes.
    self->close_.emplace(websocket::close_reason(static_cast<websocket::close_code>(code), beast::string_view(r.data(), std::min<size_t>(r.size(), 123))));
    if (!self->accepted_) return self->Fail();
    if (!self->writing_ && self->out_.empty()) self->DoClose();
  });
}

template <typename Stream>
void WebSocketSession<Stream>::DoClose() {
  writing_ = true;
  ws_.async_close(*close_, [self = this->shared_from_this()](beast::error_code) {
    self->writing_ = false;
    self->Fail();
  });
}

// The end, whichever way it came: the handler hears it once and the socket is closed.
template <typename Stream>
void WebSocketSession<Stream>::Fail() {
  if (!open_.exchange(false)) return;
  auto handler = std::move(handler_);  // the handler may hold this session: break the cycle
  handler->OnClose();
  beast::error_code ignore;
  beast::get_lowest_layer(ws_).close(ignore);
  for (const auto& t : out_) queued_.fetch_sub(t.size());
  out_.clear();
}

template class WebSocketSession<asio::ip::tcp::socket>;
template class WebSocketSession<asio::ssl::stream<asio::ip::tcp::socket>>;

}  // namespace skald::http
