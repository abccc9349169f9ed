// The /services route (see services_handler.h); Loki lists its module map in map order, Skald sorts
// so the answer is stable.
#include "store/api/services_handler.h"

#include <algorithm>

#include <fmt/format.h>

namespace skald::api {

std::string ServicesText(std::vector<std::pair<std::string, std::string>> services) {
  std::sort(services.begin(), services.end());
  std::string out;
  for (const auto& [name, state] : services) out += fmt::format("{} => {}\n", name, state);
  return out;
}

void RegisterServicesRoute(http::Router& router, ServicesFn services) {
  router.Get("/services", [fn = std::move(services)](const http::Request&, http::Response& res) {
    res.set_content(ServicesText(fn()), "text/plain");
  }, http::RouteClass::kInline);
}

}  // namespace skald::api
