// A blocking HTTP POST to a URL (http:// or https://host[:port][/path]) for the ruler's
// Alertmanager and remote-write clients; errors as values, never throws.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace skald::ruler {

struct PostResult {
  int status = 0;      // HTTP status, 0 when the request did not complete
  std::string body;    // response body (truncated to 1 KiB), or the transport error
};

// POSTs body to url + path_suffix. OK when the request completed (any HTTP status).
Result<PostResult> HttpPost(const std::string& url, const std::string& path_suffix,
                            const std::string& body, const std::string& content_type,
                            const std::vector<std::pair<std::string, std::string>>& headers,
                            int64_t timeout_ns);

}  // namespace skald::ruler
