// WebSocket upgrade contract between a route and the server: a route that wants the connection
// sets Response::websocket to a WebSocketHandler; the server answers 101 (RFC 6455 handshake,
// framing, masking, ping/pong and close are the server's) and then drives the handler.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace skald::http {

// The server's side of one upgraded connection. Thread-safe: call from any thread; nothing blocks.
class WebSocketConn {
 public:
  virtual ~WebSocketConn() = default;
  // Queues a text frame; dropped once the connection is closed.
  virtual void SendText(std::string text) = 0;
  // Sends a close frame (after the frames already queued) and closes the connection.
  virtual void Close(uint16_t code, std::string reason) = 0;
  // Bytes queued and not yet written: a handler that produces faster than the client reads
  // should drop (and say so) instead of queueing without bound.
  virtual size_t queued_bytes() const = 0;
  virtual bool open() const = 0;
};

// What the route hands over. The callbacks run on the server's network thread: they must not block.
class WebSocketHandler {
 public:
  virtual ~WebSocketHandler() = default;
  virtual void OnOpen(std::shared_ptr<WebSocketConn> conn) = 0;
  virtual void OnMessage(std::string_view /*text*/) {}
  // Once, when the client or the server closed the connection or it failed.
  virtual void OnClose() = 0;
};

}  // namespace skald::http
