// HttpPost: cpp-httplib's client behind a Status-returning call; the URL is split into the
// scheme://host:port part httplib connects to and the path prefix the request goes to.
#include "store/ruler/http_post.h"

#include <httplib.h>

namespace skald::ruler {

Result<PostResult> HttpPost(const std::string& url, const std::string& path_suffix,
                            const std::string& body, const std::string& content_type,
                            const std::vector<std::pair<std::string, std::string>>& headers,
                            int64_t timeout_ns) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return Status::Invalid("url without scheme: " + url);
  size_t path_start = url.find('/', scheme_end + 3);
  std::string base = path_start == std::string::npos ? url : url.substr(0, path_start);
  std::string_view prefix = std::string_view(url).substr(std::min(path_start, url.size()));
  while (!prefix.empty() && prefix.back() == '/' && !path_suffix.empty()) prefix.remove_suffix(1);
  std::string path;
  path.append(prefix).append(path_suffix);
  if (path.empty()) path.push_back('/');
  try {
    httplib::Client cli(base);
    if (!cli.is_valid()) return Status::Invalid("invalid url: " + url);
    const time_t sec = static_cast<time_t>(timeout_ns / 1000000000LL);
    const time_t usec = static_cast<time_t>((timeout_ns % 1000000000LL) / 1000);
    cli.set_connection_timeout(sec, usec);
    cli.set_read_timeout(sec, usec);
    cli.set_write_timeout(sec, usec);
    httplib::Headers h;
    for (const auto& [k, v] : headers) h.emplace(k, v);
    auto res = cli.Post(path, h, body, content_type);
    PostResult out;
    if (!res) {
      out.body = httplib::to_string(res.error());
      return out;
    }
    out.status = res->status;
    out.body = res->body.substr(0, 1024);
    return out;
  } catch (const std::exception& e) {
    return Status::Internal(std::string("http client: ") + e.what());
  }
}

}  // namespace skald::ruler
