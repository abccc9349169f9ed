// The request check skald-store runs before every route when a credentials file is configured:
// authenticate (Basic or Bearer), check the route's scope and the requested tenants, throttle
// failures per address. Reloads the file when it changes; a broken edit keeps the old credentials.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>

#include "common/http/message.h"
#include "common/metrics.h"
#include "common/status.h"
#include "store/auth/credentials_file.h"
#include "store/auth/failure_limiter.h"

namespace skald::auth {

struct AuthGuardOptions {
  std::string credentials_file;
  bool open_metrics = true;                            // GET /metrics without credentials
  int64_t reload_check_ns = 2LL * 1000000000LL;        // stat the file at most this often
  FailureLimiter::Options limiter;
};

// Thread-safe; one per server, shared by every request thread.
class AuthGuard {
 public:
  // Loads the credentials file: a missing or broken file is an error (the store does not start).
  static Result<std::shared_ptr<AuthGuard>> Open(AuthGuardOptions o, metrics::Registry* registry);

  // http::Guard: true lets the handler run; false leaves a 401/403/429 answer in `res`. May set
  // req.tenant_override (the credential's only tenant when the request names none).
  bool Check(const std::string& method, const std::string& pattern, const http::Request& req,
             http::Response& res);

 private:
  // A loaded file plus the (user, password) pairs already verified against it, so the costly
  // crypt(3) runs once per distinct password per load. The cache holds SHA-256 digests only.
  struct Loaded {
    CredentialSet set;
    std::mutex mu;
    std::unordered_set<std::string> verified;  // guarded by mu
  };
  struct FileStamp {
    int64_t mtime_ns = -1;
    int64_t size = -1;
    uint64_t inode = 0;
    bool operator==(const FileStamp&) const = default;
  };

  AuthGuard(AuthGuardOptions o, metrics::Registry* registry);
  Status LoadNow();                       // reads the file; on error keeps the current set
  void MaybeReload(int64_t now_ns);
  std::shared_ptr<Loaded> current() const;
  const Credential* Authenticate(Loaded& l, const http::Request& req, std::string* who,
                                 std::string* reason, bool* presented, bool* basic);
  bool Reject(int status, const char* result, const http::Request& req, http::Response& res,
              const std::string& who, const std::string& reason);

  AuthGuardOptions o_;
  FailureLimiter limiter_;
  mutable std::mutex mu_;
  std::shared_ptr<Loaded> loaded_;        // guarded by mu_
  FileStamp stamp_;                       // guarded by reload_mu_
  std::mutex reload_mu_;
  std::atomic<int64_t> next_check_ns_{0};
  metrics::CounterVec* requests_;
  metrics::Counter* reload_failures_;
  metrics::Counter* reloads_;
  metrics::Gauge* reload_ok_;
  metrics::Gauge* loaded_count_;
  metrics::Counter* lockouts_;
};

}  // namespace skald::auth
