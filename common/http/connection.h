// One HTTP/1.1 connection on the event loop: waits for a request without holding a buffer, reads
// head and body under the read timeout, hands the request to a worker pool, watches for the
// client going away while the handler runs, and writes the response (whole or streamed); over TLS
// when the server has a certificate (the handshake runs under the read timeout).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "common/http/server_core.h"

namespace skald::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

struct Exchange;       // one request and its response (connection.cc)
struct StreamState;    // a streamed body shared with the worker that produces it

// Lives as long as its socket (shared_ptr held by pending operations). All members are touched
// only on the socket's strand.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // `tls`: the context of a TLS connection; null for plain HTTP.
  Connection(ServerCore* core, tcp::socket socket, std::shared_ptr<asio::ssl::context> tls);
  ~Connection();
  void Start();
  // Server stop: close now when waiting for a request (or `force`), else after the response in flight.
  void Shutdown(bool force);
  const asio::any_io_executor& executor() const { return ex_; }

  // Called on the strand by the worker side.
  void OnHandled(std::shared_ptr<Exchange> ex);
  void StartStream(std::shared_ptr<Exchange> ex, std::shared_ptr<StreamState> st);
  void StreamChunk(std::shared_ptr<StreamState> st, std::string chunk);
  void EndStream(std::shared_ptr<StreamState> st, bool ok);

 private:
  enum class Phase { kIdle, kReading, kHandling, kWriting, kClosed };
  struct Out {
    std::string head, body;
    std::shared_ptr<StreamState> stream;  // a chunk of this stream: account it when written
    size_t stream_bytes = 0;
    bool last = false;                    // the response is complete once this is written
  };

  using TlsStream = asio::ssl::stream<tcp::socket>;
  // The TCP socket under the HTTP bytes (inside the TLS stream when there is one).
  tcp::socket& Sock() { return tls_ ? tls_->next_layer() : socket_; }
  // Calls f with the stream the HTTP bytes go through: the TLS stream or the socket.
  template <typename F>
  void WithStream(F&& f) {
    if (tls_) {
      f(*tls_);
    } else {
      f(socket_);
    }
  }
  void OnHandshake(beast::error_code ec);
  void WaitForRequest();
  void ReadHeader();
  void OnHeader(beast::error_code ec);
  void ReadBody();
  void OnBody(beast::error_code ec);
  static constexpr size_t kMaxBodyRead = 64 << 10;   // Beast reads at most 64 KiB at a time anyway
  void Dispatch();
  void RunHandler(std::shared_ptr<Exchange> ex);
  void WatchPeer();
  void OnPeerEvent(beast::error_code ec);
  void Respond(Exchange& ex);
  void Reject(int status, std::string body);
  void Queue(Out out);
  void DoWrite();
  void OnWrite(beast::error_code ec);
  void ResponseDone();
  void Upgrade(std::shared_ptr<Exchange> ex);
  void Arm(std::chrono::milliseconds d, const char* what);
  void Disarm() { ++timer_gen_; timer_.cancel(); }
  void Close();

  ServerCore* core_;
  std::unique_ptr<ConnSlot> slot_;
  tcp::socket socket_;                      // moved into tls_ for a TLS connection
  std::shared_ptr<asio::ssl::context> tls_ctx_;
  std::unique_ptr<TlsStream> tls_;
  const asio::any_io_executor ex_;  // the socket's strand; read by worker threads to post back
  asio::steady_timer timer_;
  uint64_t timer_gen_ = 0;
  beast::flat_buffer buffer_;
  std::optional<beast::http::request_parser<beast::http::string_body>> parser_;
  beast::http::request<beast::http::string_body> msg_;
  Phase phase_ = Phase::kIdle;
  bool keep_alive_ = true;
  bool watching_ = false;
  bool head_only_ = false;  // HEAD: the body is not sent
  size_t body_limit_ = 0;   // the route's, for the current request
  std::shared_ptr<CancelFlag> cancel_;
  std::shared_ptr<StreamState> stream_;  // the body being streamed, failed on Close()
  std::deque<Out> out_;
  bool writing_ = false;
  std::string remote_addr_;
  int remote_port_ = 0, local_port_ = 0;
};

}  // namespace skald::http
