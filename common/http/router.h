// Routes: method + a regular expression over the whole decoded path → a handler and the pool that
// runs it. Registered by the modules (store API, collector), looked up by the server per request.
#pragma once

#include <functional>
#include <memory>
#include <regex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "common/http/message.h"

namespace skald::http {

using Handler = std::function<void(const Request&, Response&)>;
// Runs before the handler of every route (those registered before SetGuard too): returns true to
// let the handler run, or fills `res` (401, 403, 429...) and returns false. `method` and `pattern`
// are the matched route's as registered (HEAD requests carry method "GET").
using Guard = std::function<bool(const std::string& method, const std::string& pattern,
                                 const Request& req, Response& res)>;

// Runs after the handler of every route (or after the guard refused), with the route as
// registered, the response and the seconds taken; a handler that throws is reported as a 500 with
// `threw` set, and the exception passes on. Used for per-route request metrics.
struct Route;
using Observer = std::function<void(const Route& route, const Request& req, const Response& res, double seconds,
                                    bool threw)>;

// Where a handler runs. kInline: on the network thread (only for answers that take microseconds,
// e.g. /ready, so health checks answer while every worker is busy). kWorker: the general worker
// pool (admin, export, deletes). kIngest: the push pool, whose threads may run real-time
// (server.ingest_cpu_priority; the general pool when the server has no push pool). kQuery: the
// query pool, at most querier.max_concurrent at a time; the rest wait in a bounded queue and get
// 429 when it is full (Loki's query frontend).
enum class RouteClass { kInline, kWorker, kIngest, kQuery };

struct Route {
  std::string method;
  std::string pattern;
  std::regex re;
  Handler handler;
  RouteClass cls = RouteClass::kWorker;
  size_t max_body_bytes = 0;  // 0: the server's limit
};

// Thread-safe: routes may be added while the server runs.
class Router {
 public:
  void Get(const std::string& pattern, Handler h, RouteClass c = RouteClass::kWorker);
  void Post(const std::string& pattern, Handler h, RouteClass c = RouteClass::kWorker);
  void Put(const std::string& pattern, Handler h, RouteClass c = RouteClass::kWorker);
  void Delete(const std::string& pattern, Handler h, RouteClass c = RouteClass::kWorker);
  void Patch(const std::string& pattern, Handler h, RouteClass c = RouteClass::kWorker);
  // Body size limit for the routes registered after this call (0: the server's).
  void SetRouteBodyLimit(size_t bytes) { next_body_limit_ = bytes; }
  // Installs (or, with nullptr, removes) the guard every request passes before its handler.
  void SetGuard(Guard g);
  // Installs (or, with nullptr, removes) the observer told about every routed request.
  void SetObserver(Observer o);

  // The route for `method path` (HEAD finds GET routes); fills `matches` over `path`, which must
  // outlive them. nullptr when none matches.
  const Route* Find(const std::string& method, const std::string& path, std::smatch* matches) const;
  // The largest body any route for `method path` accepts, 0 when no route matches.
  size_t BodyLimit(const std::string& method, const std::string& path, size_t server_limit) const;

 private:
  void Add(const char* method, const std::string& pattern, Handler h, RouteClass c);
  std::shared_ptr<const Guard> guard() const;
  std::shared_ptr<const Observer> observer() const;
  void Serve(const Route& r, const Handler& h, const Request& req, Response& res) const;
  mutable std::shared_mutex mu_;
  std::shared_ptr<const Guard> guard_;  // guarded by mu_
  std::shared_ptr<const Observer> observer_;  // guarded by mu_
  std::vector<std::unique_ptr<Route>> routes_;  // guarded by mu_; pointers stay valid
  size_t next_body_limit_ = 0;
};

}  // namespace skald::http
