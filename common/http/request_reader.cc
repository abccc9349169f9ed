// Beast request → handler Request (see request_reader.h).
#include "common/http/request_reader.h"

#include "common/http/url.h"

namespace skald::http {

void ReadRequest(BeastRequest& msg, Request* r) {
  r->method = std::string(msg.method_string());
  r->target = std::string(msg.target());
  const size_t q = r->target.find('?');
  r->path = DecodeUrl(std::string_view(r->target).substr(0, q), false);
  if (q != std::string::npos) ParseQueryString(std::string_view(r->target).substr(q + 1), &r->params);
  for (const auto& f : msg) r->headers.emplace(std::string(f.name_string()), std::string(f.value()));
  r->body = std::move(msg.body());
  if (r->get_header_value("Content-Type").rfind("application/x-www-form-urlencoded", 0) == 0) {
    ParseQueryString(r->body, &r->params);
  }
}

}  // namespace skald::http
