// TlsContext: the HTTP server's OpenSSL context built from server.http_tls_config (TLS 1.2+, the
// client-auth policy), reloaded when the certificate files change so certificates rotate without
// a restart; a bad new file keeps the previous context (error log + metric). See docs/TLS.md.
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "common/http/tls_config.h"
#include "common/metrics.h"
#include "common/status.h"

namespace skald::http {

class TlsContext {
 public:
  // Loads the files now; an error says which file and why (OpenSSL's reason).
  static Status Create(TlsServerConfig cfg, metrics::Registry* registry, std::chrono::milliseconds check_interval,
                       std::shared_ptr<TlsContext>* out);

  // The context for a new connection. At most once per check interval, looks at the files'
  // mtime/size/inode and reloads them when they changed. Thread-safe.
  std::shared_ptr<boost::asio::ssl::context> Current();

 private:
  TlsContext(TlsServerConfig cfg, std::chrono::milliseconds check_interval);
  Status Load(std::shared_ptr<boost::asio::ssl::context>* out);
  std::string FilesSignature() const;
  void MaybeReload();

  const TlsServerConfig cfg_;
  ClientAuth auth_ = ClientAuth::kNone;
  const std::chrono::milliseconds check_interval_;
  std::mutex mu_;
  std::shared_ptr<boost::asio::ssl::context> ctx_;  // guarded by mu_
  std::string signature_;                           // guarded by mu_: of the files last tried
  std::chrono::steady_clock::time_point next_check_;  // guarded by mu_
  metrics::CounterVec* reloads_ = nullptr;          // by result: success, failure
  metrics::Gauge* not_after_ = nullptr;             // the serving certificate's expiry
};

// A failed handshake (scanner, wrong CA, TLS < 1.2, plain HTTP): counted, logged at most every 10 s.
void NoteHandshakeFailure(metrics::Counter* errors, const std::string& err, const std::string& remote);

}  // namespace skald::http
