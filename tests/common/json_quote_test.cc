// JsonQuote: plain text kept, quotes, backslashes and control bytes escaped, other bytes as given.
#include <catch.hpp>

#include "common/json_quote.h"

using skald::JsonQuote;

TEST_CASE("json quote: escapes what JSON requires and nothing else", "[common]") {
  CHECK(JsonQuote("") == "\"\"");
  CHECK(JsonQuote("{app=\"api\"} |= \"x\"") == "\"{app=\\\"api\\\"} |= \\\"x\\\"\"");
  CHECK(JsonQuote("a\\b") == "\"a\\\\b\"");
  CHECK(JsonQuote(std::string("t\n\t\x01", 4)) == "\"t\\u000a\\u0009\\u0001\"");
  CHECK(JsonQuote("héllo/") == "\"héllo/\"");
}
