// Route table (see router.h): registration order decides between overlapping patterns.
#include "common/http/router.h"

#include <chrono>
#include <mutex>

namespace skald::http {

void Router::Add(const char* method, const std::string& pattern, Handler h, RouteClass c) {
  auto r = std::make_unique<Route>();
  r->method = method;
  r->pattern = pattern;
  r->re = std::regex(pattern);
  // The guard is looked up per request, so routes registered before SetGuard are covered too.
  r->handler = [this, rp = r.get(), h = std::move(h)](const Request& req, Response& res) { Serve(*rp, h, req, res); };
  r->cls = c;
  std::unique_lock lock(mu_);
  r->max_body_bytes = next_body_limit_;
  routes_.push_back(std::move(r));
}

void Router::Serve(const Route& r, const Handler& h, const Request& req, Response& res) const {
  std::shared_ptr<const Observer> obs = observer();
  auto start = std::chrono::steady_clock::now();
  auto seconds = [&start] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  try {
    std::shared_ptr<const Guard> g = guard();
    if (!g || (*g)(r.method, r.pattern, req, res)) h(req, res);
  } catch (...) {
    if (obs) {
      Response failed;
      failed.status = 500;
      (*obs)(r, req, failed, seconds(), true);
    }
    throw;
  }
  if (obs) (*obs)(r, req, res, seconds(), false);
}

void Router::SetObserver(Observer o) {
  auto p = o ? std::make_shared<const Observer>(std::move(o)) : nullptr;
  std::unique_lock lock(mu_);
  observer_ = std::move(p);
}

std::shared_ptr<const Observer> Router::observer() const {
  std::shared_lock lock(mu_);
  return observer_;
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
