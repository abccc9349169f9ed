// /services as Loki answers it: one "<service> => <state>" line per service of this process
// (Loki's dskit states: New, Starting, Running, Stopping, Terminated, Failed), for tools that probe it.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "common/http/router.h"

namespace skald::api {

// (service name, state), produced per request; must be thread-safe and cheap (runs inline).
using ServicesFn = std::function<std::vector<std::pair<std::string, std::string>>()>;

// The text body for the given services, sorted by name.
std::string ServicesText(std::vector<std::pair<std::string, std::string>> services);
void RegisterServicesRoute(http::Router& router, ServicesFn services);

}  // namespace skald::api
