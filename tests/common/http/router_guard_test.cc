// Router::SetGuard: the guard runs before every route's handler, whether the route was registered
// before or after it was set, sees the route's method and pattern, and can stop the request.
#include <catch.hpp>

#include <string>
#include <vector>

#include "common/http/router.h"

using namespace skald::http;

namespace {

// Finds and runs the route like the server does; the status, or 404 when none matches.
int Serve(Router& r, const std::string& method, const std::string& path, Request* req) {
  req->method = method;
  req->path = path;
  const Route* route = r.Find(method, req->path, &req->matches);
  if (route == nullptr) return 404;
  Response res;
  route->handler(*req, res);
  return res.status;
}

}  // namespace

TEST_CASE("the guard covers routes registered before and after it, and can refuse") {
  Router r;
  int handled = 0;
  auto ok = [&](const Request&, Response& res) {
    ++handled;
    res.status = 200;
  };
  r.Get("/early", ok);
  std::vector<std::string> seen;
  r.SetGuard([&](const std::string& method, const std::string& pattern, const Request& req, Response& res) {
    seen.push_back(method + " " + pattern);
    if (req.get_header_value("Authorization") != "yes") {
      res.status = 401;
      return false;
    }
    req.tenant_override = "t1";
    return true;
  });
  r.Post("/late/([a-z]+)", [&](const Request& req, Response& res) {
    ++handled;
    res.status = req.org_id() == "t1" ? 204 : 500;
  });
  Request a;
  CHECK(Serve(r, "GET", "/early", &a) == 401);
  Request b;
  CHECK(Serve(r, "POST", "/late/x", &b) == 401);
  CHECK(handled == 0);
  Request c;
  c.headers.emplace("Authorization", "yes");
  CHECK(Serve(r, "POST", "/late/x", &c) == 204);
  Request d;
  d.headers.emplace("Authorization", "yes");
  CHECK(Serve(r, "HEAD", "/early", &d) == 200);
  CHECK(handled == 2);
  CHECK(seen == std::vector<std::string>{"GET /early", "POST /late/([a-z]+)", "POST /late/([a-z]+)", "GET /early"});

  r.SetGuard(nullptr);
  Request e;
  CHECK(Serve(r, "GET", "/early", &e) == 200);
}

TEST_CASE("org_id prefers the guard's tenant over X-Scope-OrgID") {
  Request req;
  CHECK(req.org_id().empty());
  req.headers.emplace("X-Scope-OrgID", "a|b");
  CHECK(req.org_id() == "a|b");
  req.tenant_override = "solo";
  CHECK(req.org_id() == "solo");
}
