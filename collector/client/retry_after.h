// ParseRetryAfter: the HTTP Retry-After header (RFC 9110 §10.2.3) of a 429/503 push answer as a
// wait, which the client honours as the least it waits before retrying that batch.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace skald::client {

// `value` is delta-seconds ("120") or an IMF-fixdate ("Wed, 21 Oct 2015 07:28:00 GMT");
// `now_unix_ns` anchors a date. A date in the past is a wait of 0. nullopt: empty or unparseable.
std::optional<int64_t> ParseRetryAfter(std::string_view value, int64_t now_unix_ns);

}  // namespace skald::client
