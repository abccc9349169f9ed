// TlsContext (see tls_context.h): builds an ssl::context from the PEM files with the client-auth
// policy, and swaps in a new one when the files change.
#include "common/http/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <fmt/format.h>

#include <atomic>

#include "common/logger.h"

namespace skald::http {

namespace ssl = boost::asio::ssl;

namespace {

int AcceptAnyCert(int, X509_STORE_CTX*) { return 1; }

int VerifyMode(ClientAuth a) {
  switch (a) {
    case ClientAuth::kNone: return SSL_VERIFY_NONE;
    case ClientAuth::kRequest:
    case ClientAuth::kVerifyIfGiven: return SSL_VERIFY_PEER;
    case ClientAuth::kRequireAny:
    case ClientAuth::kRequireAndVerify: return SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  }
  return SSL_VERIFY_NONE;
}

// The certificate's notAfter as Unix seconds (0 when unknown).
double NotAfter(SSL_CTX* ctx) {
  X509* cert = SSL_CTX_get0_certificate(ctx);
  if (!cert) return 0;
  struct tm t {};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &t) != 1) return 0;
  return static_cast<double>(timegm(&t));
}

Status Fail(const std::string& what, const std::string& path, const boost::system::error_code& ec) {
  return Status::Invalid(fmt::format("tls: {} \"{}\": {}", what, path, ec.message()));
}

}  // namespace

TlsContext::TlsContext(TlsServerConfig cfg, std::chrono::milliseconds check_interval)
    : cfg_(std::move(cfg)), check_interval_(check_interval) {
  ParseClientAuth(cfg_.client_auth_type, &auth_);
}

Status TlsContext::Create(TlsServerConfig cfg, metrics::Registry* registry, std::chrono::milliseconds check_interval,
                          std::shared_ptr<TlsContext>* out) {
  if (Status s = ValidateTlsServerConfig(cfg, "http_tls_config"); !s.ok()) return s;
  std::shared_ptr<TlsContext> t(new TlsContext(std::move(cfg), check_interval));
  t->reloads_ = &registry->NewCounterVec("skald_http_tls_reloads_total",
                                         "Reloads of the HTTP server's certificate files after they changed, by result "
                                         "(a failure keeps the previous certificate).",
                                         {"result"});
  t->not_after_ = &registry->NewGauge("skald_http_tls_certificate_expiry_timestamp_seconds",
                                      "Expiry (notAfter, Unix seconds) of the certificate the HTTP server presents.");
  t->signature_ = t->FilesSignature();
  if (Status s = t->Load(&t->ctx_); !s.ok()) return s;
  t->next_check_ = std::chrono::steady_clock::now() + check_interval;
  *out = std::move(t);
  return Status::Ok();
}

Status TlsContext::Load(std::shared_ptr<ssl::context>* out) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                   ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);  // idle connections hold no record buffers
  static const unsigned char kSessionContext[] = "skald-http";
  SSL_CTX_set_session_id_context(native, kSessionContext, sizeof(kSessionContext) - 1);
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(cfg_.cert_file, ec);
  if (ec) return Fail("cannot load certificate", cfg_.cert_file, ec);
  ctx->use_private_key_file(cfg_.key_file, ssl::context::pem, ec);
  if (ec) return Fail("cannot load private key", cfg_.key_file, ec);
  if (SSL_CTX_check_private_key(native) != 1) {
    ERR_clear_error();
    return Status::Invalid("tls: private key \"" + cfg_.key_file + "\" does not match certificate \"" +
                           cfg_.cert_file + "\"");
  }
  if (!cfg_.client_ca_file.empty()) {
    ctx->load_verify_file(cfg_.client_ca_file, ec);
    if (ec) return Fail("cannot load client CA file", cfg_.client_ca_file, ec);
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(cfg_.client_ca_file.c_str());
    if (names) SSL_CTX_set_client_CA_list(native, names);
  }
  bool verify = auth_ == ClientAuth::kVerifyIfGiven || auth_ == ClientAuth::kRequireAndVerify;
  SSL_CTX_set_verify(native, VerifyMode(auth_), verify ? nullptr : AcceptAnyCert);
  not_after_->Set(NotAfter(native));
  *out = std::move(ctx);
  return Status::Ok();
}

// What identifies the files' contents cheaply: mtime (ns), size and inode of each.
std::string TlsContext::FilesSignature() const {
  std::string sig;
  for (const std::string* p : {&cfg_.cert_file, &cfg_.key_file, &cfg_.client_ca_file}) {
    struct stat st {};
    if (p->empty() || ::stat(p->c_str(), &st) != 0) {
      sig += "-;";
      continue;
    }
    sig += fmt::format("{}.{}:{}:{};", st.st_mtim.tv_sec, st.st_mtim.tv_nsec, st.st_size, st.st_ino);
  }
  return sig;
}

void TlsContext::MaybeReload() {
  auto now = std::chrono::steady_clock::now();
  if (now < next_check_) return;
  next_check_ = now + check_interval_;
  std::string sig = FilesSignature();
  if (sig == signature_) return;
  signature_ = sig;  // a failed set of files is retried only once they change again
  std::shared_ptr<ssl::context> fresh;
  Status s = Load(&fresh);
  if (!s.ok()) {
    reloads_->WithLabelValues({"failure"}).Inc();
    SKALD_LOG(error, "tls: reloading the certificate failed; keeping the previous one",
              {{"cert_file", cfg_.cert_file}, {"err", s.message()}});
    return;
  }
  ctx_ = std::move(fresh);
  reloads_->WithLabelValues({"success"}).Inc();
  SKALD_LOG(info, "tls: certificate files changed; reloaded", {{"cert_file", cfg_.cert_file}});
}

void NoteHandshakeFailure(metrics::Counter* errors, const std::string& err, const std::string& remote) {
  errors->Inc();
  static std::atomic<int64_t> last_log{0};
  int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
  int64_t prev = last_log.load();
  if (now - prev >= 10 && last_log.compare_exchange_strong(prev, now)) {
    SKALD_LOG(warn, "http: TLS handshake failed", {{"remote", remote}, {"err", err}});
  }
}

std::shared_ptr<ssl::context> TlsContext::Current() {
  std::lock_guard<std::mutex> l(mu_);
  MaybeReload();
  return ctx_;
}

}  // namespace skald::http
