// Client-side probes of a running server (see http_server.h): one GET with a timeout over HTTP or
// HTTPS (unverified: a local probe), and the binaries' -health exit code.
#include <httplib.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "common/http/http_server.h"

namespace skald {

namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

// One HTTPS exchange on `ioc`: connect, handshake, write, read; sets *status when all went well.
struct HttpsGet {
  asio::ssl::stream<tcp::socket> s;
  tcp::resolver resolver;
  bhttp::request<bhttp::empty_body> req;
  bhttp::response<bhttp::string_body> res;
  boost::beast::flat_buffer buf;
  int* status;

  HttpsGet(asio::io_context& ioc, asio::ssl::context& ctx, int* st) : s(ioc, ctx), resolver(ioc), status(st) {}

  void Run(const std::string& host, int port) {
    resolver.async_resolve(host, std::to_string(port), [this](error_code ec, tcp::resolver::results_type r) {
      if (ec) return;
      asio::async_connect(s.next_layer(), r, [this](error_code ec2, const tcp::endpoint&) {
        if (ec2) return;
        s.async_handshake(asio::ssl::stream_base::client, [this](error_code ec3) {
          if (ec3) return;
          bhttp::async_write(s, req, [this](error_code ec4, size_t) {
            if (ec4) return;
            bhttp::async_read(s, buf, res, [this](error_code ec5, size_t) {
              if (!ec5) *status = static_cast<int>(res.result_int());
            });
          });
        });
      });
    });
  }
};

}  // namespace

int HttpsGetStatus(const std::string& host, int port, const std::string& path, int timeout_ms,
                   const std::string& client_cert, const std::string& client_key) {
  asio::io_context ioc;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_verify_mode(asio::ssl::verify_none);
  error_code ec;
  if (!client_cert.empty() && !client_key.empty()) {
    ctx.use_certificate_chain_file(client_cert, ec);
    if (!ec) ctx.use_private_key_file(client_key, asio::ssl::context::pem, ec);
  }
  int status = 0;
  HttpsGet get(ioc, ctx, &status);
  SSL_set_tlsext_host_name(get.s.native_handle(), host.c_str());
  get.req = {bhttp::verb::get, path, 11};
  get.req.set(bhttp::field::host, host);
  get.req.set(bhttp::field::connection, "close");
  get.Run(host, port);
  ioc.run_for(std::chrono::milliseconds(timeout_ms));
  return status;
}

int ReadyProbeExitCode(std::string listen_address, int port, const http::TlsServerConfig& tls) {
  if (listen_address.empty() || listen_address == "0.0.0.0" || listen_address == "::") listen_address = "127.0.0.1";
  int status = tls.enabled() ? HttpsGetStatus(listen_address, port, "/ready", 5000, tls.cert_file, tls.key_file)
                             : HttpGetStatus(listen_address, port, "/ready", 5000);
  return status == 200 ? 0 : 1;
}

int HttpGetStatus(const std::string& host, int port, const std::string& path, int timeout_ms,
                  std::string* body) {
  httplib::Client cli(host, port);
  auto t = std::chrono::milliseconds(timeout_ms);
  cli.set_connection_timeout(t);
  cli.set_read_timeout(t);
  cli.set_write_timeout(t);
  auto res = cli.Get(path);
  if (!res) return 0;
  if (body) *body = res->body;
  return res->status;
}

}  // namespace skald
