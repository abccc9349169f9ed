// Turns a request Beast parsed into the handler's Request: method, target split into a decoded
// path and query parameters, headers, body, and the parameters of a form body. The one place
// where outside request bytes become Skald values (fuzzed: tests/fuzz/http_request_fuzz.cc).
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "common/http/message.h"

namespace skald::http {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;

// Moves the body out of `msg`; the head stays (a WebSocket upgrade still needs it).
void ReadRequest(BeastRequest& msg, Request* out);

}  // namespace skald::http
