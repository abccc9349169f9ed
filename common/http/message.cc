// Accessors of the handler-facing request and response values (see message.h).
#include "common/http/message.h"

#include <strings.h>

namespace skald::http {

bool CaseInsensitiveLess::operator()(const std::string& a, const std::string& b) const {
  return strcasecmp(a.c_str(), b.c_str()) < 0;
}

std::string Request::get_header_value(const std::string& name, const std::string& def) const {
  auto it = headers.find(name);
  return it == headers.end() ? def : it->second;
}

std::string Request::get_param_value(const std::string& key) const {
  auto it = params.find(key);
  return it == params.end() ? "" : it->second;
}

void Response::set_header(const std::string& name, const std::string& value) {
  // Values with a line break would split the response: refuse them, as Go's net/http does.
  if (value.find_first_of("\r\n") != std::string::npos || name.find_first_of("\r\n:") != std::string::npos) return;
  headers.emplace(name, value);
}

std::string Response::get_header_value(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

void Response::set_content(std::string content, const std::string& content_type) {
  body = std::move(content);
  headers.erase("Content-Type");
  set_header("Content-Type", content_type);
}

void Response::set_chunked_content_provider(const std::string& content_type, ChunkedProvider p,
                                            ProviderReleaser r) {
  headers.erase("Content-Type");
  set_header("Content-Type", content_type);
  provider = std::move(p);
  releaser = std::move(r);
}

}  // namespace skald::http
