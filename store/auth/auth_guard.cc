// AuthGuard (see auth_guard.h): the per-request decision and the credentials file's hot reload.
#include "store/auth/auth_guard.h"

#include <sys/stat.h>

#include <chrono>

#include "common/logger.h"
#include "common/thread_slice.h"
#include "store/auth/auth_header.h"
#include "store/auth/password_hash.h"
#include "store/auth/requested_org_id.h"
#include "store/auth/route_scopes.h"

namespace skald::auth {
namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch()).count();
}

// The first tenant of `org` (`a|b|c`) the credential may not use, or "" when all are allowed.
std::string DeniedTenant(const Credential& c, const std::string& org) {
  size_t pos = 0;
  while (true) {
    size_t bar = org.find('|', pos);
    std::string one = org.substr(pos, bar == std::string::npos ? std::string::npos : bar - pos);
    if (!c.AllowsTenant(one)) return one.empty() ? "(empty)" : one;
    if (bar == std::string::npos) return "";
    pos = bar + 1;
  }
}

}  // namespace

AuthGuard::AuthGuard(AuthGuardOptions o, metrics::Registry* r) : o_(std::move(o)), limiter_(o_.limiter) {
  requests_ = &r->NewCounterVec("skald_auth_requests_total",
                                "Requests checked against the credentials file, by result.", {"result"});
  reload_failures_ = &r->NewCounter("skald_auth_credentials_reload_failures_total",
                                    "Edits of the credentials file that failed to load (old credentials kept).");
  reloads_ = &r->NewCounter("skald_auth_credentials_reloads_total", "Successful loads of the credentials file.");
  reload_ok_ = &r->NewGauge("skald_auth_credentials_last_reload_success",
                            "1 when the credentials file as it is on disk is the one in use, 0 after a failed reload.");
  loaded_count_ = &r->NewGauge("skald_auth_credentials", "Credentials in use.");
  lockouts_ = &r->NewCounter("skald_auth_lockouts_total",
                             "Client addresses locked out (429) after repeated failed authentication.");
}

Result<std::shared_ptr<AuthGuard>> AuthGuard::Open(AuthGuardOptions o, metrics::Registry* registry) {
  std::shared_ptr<AuthGuard> g(new AuthGuard(std::move(o), registry));
  std::lock_guard<std::mutex> lock(g->reload_mu_);
  SKALD_RETURN_IF_ERROR(g->LoadNow());
  g->next_check_ns_.store(NowNs() + g->o_.reload_check_ns);
  return g;
}

Status AuthGuard::LoadNow() {
  struct stat st {};
  FileStamp stamp;
  if (::stat(o_.credentials_file.c_str(), &st) == 0) {
    stamp = {int64_t(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec, int64_t(st.st_size),
             uint64_t(st.st_ino)};
  }
  stamp_ = stamp;  // a failed load is reported once per change, not at every check
  auto set = LoadCredentialsFile(o_.credentials_file);
  if (!set.ok()) {
    reload_failures_->Inc();
    reload_ok_->Set(0);
    return set.status();
  }
  auto l = std::make_shared<Loaded>();
  l->set = std::move(*set);
  loaded_count_->Set(double(l->set.size()));
  {
    std::lock_guard<std::mutex> lock(mu_);
    loaded_ = std::move(l);
  }
  reloads_->Inc();
  reload_ok_->Set(1);
  return Status::Ok();
}

void AuthGuard::MaybeReload(int64_t now_ns) {
  if (now_ns < next_check_ns_.load(std::memory_order_relaxed)) return;
  std::unique_lock<std::mutex> lock(reload_mu_, std::try_to_lock);
  if (!lock.owns_lock()) return;  // another request is checking
  next_check_ns_.store(now_ns + o_.reload_check_ns);
  struct stat st {};
  FileStamp now;
  if (::stat(o_.credentials_file.c_str(), &st) == 0) {
    now = {int64_t(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec, int64_t(st.st_size),
           uint64_t(st.st_ino)};
  }
  if (now == stamp_) return;
  Status s = LoadNow();
  if (s.ok()) {
    SKALD_LOG(info, "credentials file reloaded", {{"file", o_.credentials_file}});
  } else {
    SKALD_LOG(error, "credentials file reload failed; keeping the previous credentials",
              {{"file", o_.credentials_file}, {"err", s.message()}});
  }
}

std::shared_ptr<AuthGuard::Loaded> AuthGuard::current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return loaded_;
}

const Credential* AuthGuard::Authenticate(Loaded& l, const http::Request& req, std::string* who,
                                          std::string* reason, bool* presented, bool* basic) {
  AuthHeader h = ParseAuthorization(req.get_header_value("Authorization"));
  *presented = h.kind != AuthHeader::Kind::kNone;
  *basic = h.kind != AuthHeader::Kind::kBearer;
  switch (h.kind) {
    case AuthHeader::Kind::kNone: *reason = "no credentials"; return nullptr;
    case AuthHeader::Kind::kMalformed: *reason = "malformed Authorization header: " + h.problem; return nullptr;
    case AuthHeader::Kind::kBearer: {
      const Credential* c = l.set.FindToken(TokenSha256(h.token));
      if (c == nullptr) *reason = "unknown bearer token";
      else *who = c->name;
      return c;
    }
    case AuthHeader::Kind::kBasic: break;
  }
  *who = "user " + h.username;
  const Credential* c = l.set.FindUser(h.username);
  if (c == nullptr) {
    *reason = "unknown user";
    return nullptr;
  }
  *who = c->name + " (user " + h.username + ")";
  const std::string key = TokenSha256(h.username + '\0' + h.password);
  {
    std::lock_guard<std::mutex> lock(l.mu);
    if (l.verified.count(key)) return c;
  }
  bool ok;
  {
    NormalPriorityScope normal;   // bcrypt: an unauthenticated caller's CPU, never real-time
    ok = VerifyPassword(h.password, c->password_hash);
  }
  if (!ok) {
    *reason = "wrong password";
    return nullptr;
  }
  std::lock_guard<std::mutex> lock(l.mu);
  if (l.verified.size() >= 4096) l.verified.clear();
  l.verified.insert(key);
  return c;
}

bool AuthGuard::Reject(int status, const char* result, const http::Request& req, http::Response& res,
                       const std::string& who, const std::string& reason) {
  requests_->WithLabelValues({result}).Inc();
  SKALD_LOG(warn, "request refused by authentication",
            {{"status", status}, {"credential", who.empty() ? std::string("-") : who},
             {"remote", req.remote_addr}, {"method", req.method}, {"path", req.path}, {"reason", reason}});
  res.status = status;
  res.set_content(reason + "\n", "text/plain; charset=utf-8");
  return false;
}

bool AuthGuard::Check(const std::string& method, const std::string& pattern, const http::Request& req,
                      http::Response& res) {
  const RouteRule rule = RequiredScope(method, pattern, o_.open_metrics);
  if (rule.open) return true;
  const int64_t now = NowNs();
  MaybeReload(now);
  if (limiter_.Locked(req.remote_addr, now)) {
    requests_->WithLabelValues({"rate_limited"}).Inc();
    res.status = 429;
    res.set_header("Retry-After", std::to_string(o_.limiter.lockout_ns / 1000000000LL));
    res.set_content("too many failed authentication attempts from this address\n", "text/plain; charset=utf-8");
    return false;
  }
  std::shared_ptr<Loaded> l = current();
  std::string who, reason;
  bool presented = false, basic = true;
  const Credential* c = Authenticate(*l, req, &who, &reason, &presented, &basic);
  if (c == nullptr) {
    if (presented && limiter_.RecordFailure(req.remote_addr, now)) {
      lockouts_->Inc();
      SKALD_LOG(warn, "address locked out after repeated failed authentication",
                {{"remote", req.remote_addr}, {"lockout_s", o_.limiter.lockout_ns / 1000000000LL}});
    }
    res.set_header("WWW-Authenticate", basic ? "Basic realm=\"skald\"" : "Bearer realm=\"skald\"");
    return Reject(401, "unauthorized", req, res, who, reason);
  }
  if ((c->scopes & rule.scope) == 0)
    return Reject(403, "forbidden", req, res, who, std::string("scope ") + ScopeName(rule.scope) + " required");
  const std::string org = RequestedOrgId(req);  // the header, or a tail upgrade's org_id
  if (!org.empty()) {
    std::string denied = DeniedTenant(*c, org);
    if (!denied.empty()) return Reject(403, "forbidden", req, res, who, "tenant " + denied + " not allowed");
  } else if (const std::string* sole = c->SoleTenant()) {
    req.tenant_override = *sole;
  }
  requests_->WithLabelValues({"ok"}).Inc();
  return true;
}

}  // namespace skald::auth
