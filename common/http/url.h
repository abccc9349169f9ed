// Percent-decoding of request paths and query strings, and splitting a query string or an
// application/x-www-form-urlencoded body into parameters, as Go's net/url does.
#pragma once

#include <string>
#include <string_view>

#include "common/http/message.h"

namespace skald::http {

// %XX → byte; `plus_is_space` turns '+' into ' ' (query strings, forms; not paths). A malformed
// escape is kept as written.
std::string DecodeUrl(std::string_view s, bool plus_is_space);
// "a=1&b=2&a=3" → params (appended). Pairs without '=' get an empty value; empty pairs are skipped.
void ParseQueryString(std::string_view q, Params* out);

}  // namespace skald::http
