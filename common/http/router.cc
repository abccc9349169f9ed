// Route table (see router.h): registration order decides between overlapping patterns.
#include "common/http/router.h"

#include <mutex>

namespace skald::http {

void Router::Add(const char* method, const std::string& pattern, Handler h, RouteClass c) {
  auto r = std::make_unique<Route>();
  r->method = method;
  r->pattern = pattern;
  r->re = std::regex(pattern);
  // The guard is looked up per request, so routes registered before SetGuard are covered too.
  r->handler = [this, m = std::string(method), pattern, h = std::move(h)](const Request& req, Response& res) {
    std::shared_ptr<const Guard> g = guard();
    if (g && !(*g)(m, pattern, req, res)) return;
    h(req, res);
  };
  r->cls = c;
  std::unique_lock lock(mu_);
  r->max_body_bytes = next_body_limit_;
  routes_.push_back(std::move(r));
}

void Router::SetGuard(Guard g) {
  auto p = g ? std::make_shared<const Guard>(std::move(g)) : nullptr;
  std::unique_lock lock(mu_);
  guard_ = std::move(p);
}

std::shared_ptr<const Guard> Router::guard() const {
  std::shared_lock lock(mu_);
  return guard_;
}

void Router::Get(const std::string& p, Handler h, RouteClass c) { Add("GET", p, std::move(h), c); }
void Router::Post(const std::string& p, Handler h, RouteClass c) { Add("POST", p, std::move(h), c); }
void Router::Put(const std::string& p, Handler h, RouteClass c) { Add("PUT", p, std::move(h), c); }
void Router::Delete(const std::string& p, Handler h, RouteClass c) { Add("DELETE", p, std::move(h), c); }
void Router::Patch(const std::string& p, Handler h, RouteClass c) { Add("PATCH", p, std::move(h), c); }

const Route* Router::Find(const std::string& method, const std::string& path, std::smatch* m) const {
  const std::string& want = method == "HEAD" ? std::string("GET") : method;
  std::shared_lock lock(mu_);
  for (const auto& r : routes_) {
    if (r->method == want && std::regex_match(path, *m, r->re)) return r.get();
  }
  return nullptr;
}

size_t Router::BodyLimit(const std::string& method, const std::string& path, size_t server_limit) const {
  std::smatch m;
  const Route* r = Find(method, path, &m);
  if (!r) return 0;
  return r->max_body_bytes ? r->max_body_bytes : server_limit;
}

}  // namespace skald::http
