// FUZZ_LINK: skald_common_http
// Arbitrary bytes as one HTTP/1.1 request: Beast's parser with the server's limits, then the
// conversion into the handler's Request and a route lookup. Must never crash or hang; a parsed
// request's decoded path never holds more bytes than its target.
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/parser.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/http/request_reader.h"
#include "common/http/router.h"

namespace {

skald::http::Router& Routes() {
  static skald::http::Router* r = [] {
    auto* r = new skald::http::Router();
    auto noop = [](const skald::http::Request&, skald::http::Response&) {};
    r->Get("/loki/api/v1/label/([^/]+)/values", noop);
    r->Post("/loki/api/v1/push", noop);
    r->Get("/ready", noop);
    return r;
  }();
  return *r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace bhttp = boost::beast::http;
  bhttp::request_parser<bhttp::string_body> p;
  p.header_limit(64 * 1024);
  p.body_limit(1 << 20);
  p.eager(true);
  boost::beast::error_code ec;
  p.put(boost::asio::buffer(data, size), ec);
  if (!p.is_header_done()) return 0;
  if (!p.is_done()) p.put_eof(ec);
  if (ec || !p.is_done()) return 0;
  skald::http::BeastRequest msg = p.release();
  skald::http::Request r;
  skald::http::ReadRequest(msg, &r);
  if (r.path.size() > r.target.size()) std::abort();
  Routes().Find(r.method, r.path, &r.matches);
  return 0;
}
