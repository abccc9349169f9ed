// A connection after the WebSocket upgrade: Beast's websocket stream does the handshake, framing,
// ping/pong and close; this queues the route's text frames and reports the end to its handler.
// Over a plain socket or a TLS stream (wss): Stream is tcp::socket or ssl::stream<tcp::socket>.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <atomic>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "common/http/server_core.h"
#include "common/http/websocket.h"

namespace skald::http {

// Members other than the atomics are touched only on the socket's strand.
template <typename Stream>
class WebSocketSession : public WebSocketConn, public std::enable_shared_from_this<WebSocketSession<Stream>> {
 public:
  WebSocketSession(ServerCore* core, Stream stream, std::unique_ptr<ConnSlot> slot,
                   std::shared_ptr<WebSocketHandler> handler);
  ~WebSocketSession() override;
  // Answers the upgrade request (`buffer`: bytes read past it), then reads client frames.
  void Start(boost::beast::http::request<boost::beast::http::string_body> req, boost::beast::flat_buffer buffer);

  void SendText(std::string text) override;
  void Close(uint16_t code, std::string reason) override;
  size_t queued_bytes() const override { return queued_.load(); }
  bool open() const override { return open_.load(); }

 private:
  void Read();
  void DoWrite();
  void DoClose();
  void Fail();

  ServerCore* core_;
  boost::beast::websocket::stream<Stream> ws_;
  const boost::asio::any_io_executor ex_;  // the socket's strand: SendText/Close post here from any thread
  std::unique_ptr<ConnSlot> slot_;
  std::shared_ptr<WebSocketHandler> handler_;
  boost::beast::flat_buffer rbuf_;
  std::deque<std::string> out_;
  bool writing_ = false;
  bool accepted_ = false;
  std::optional<boost::beast::websocket::close_reason> close_;
  std::atomic<size_t> queued_{0};
  std::atomic<bool> open_{true};
};

extern template class WebSocketSession<boost::asio::ip::tcp::socket>;
extern template class WebSocketSession<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>>;

}  // namespace skald::http
