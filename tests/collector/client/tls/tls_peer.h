// Real receiving peers for the client's TLS/auth/proxy tests: an httplib (SSL)Server that records each
// push's headers, a one-shot raw-socket forward proxy that records the request line, test certs.
#pragma once

#ifndef CPPHTTPLIB_OPENSSL_SUPPORT
#define CPPHTTPLIB_OPENSSL_SUPPORT  // SSLServer (the cpp-httplib package is built with OpenSSL)
#endif
#include <fmt/format.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/test_certs.h"

namespace skald::client::testing {

struct Seen {
  std::string host, authorization, org_id, custom;
  size_t org_id_count = 0;
};

// Answers 204 to POST /loki/api/v1/push and keeps the request headers. TLS when cert is given; client
// certificates required (signed by client_ca) when client_ca is given.
class Peer {
 public:
  Peer(const std::string& cert = "", const std::string& key = "", const std::string& client_ca = "") {
    if (cert.empty()) {
      srv_ = std::make_unique<httplib::Server>();
    } else {
      srv_ = std::make_unique<httplib::SSLServer>(cert.c_str(), key.c_str(),
                                                  client_ca.empty() ? nullptr : client_ca.c_str());
    }
    srv_->Post("/loki/api/v1/push", [this](const httplib::Request& r, httplib::Response& res) {
      std::lock_guard<std::mutex> l(mu_);
      seen_.push_back({r.get_header_value("Host"), r.get_header_value("Authorization"),
                       r.get_header_value("X-Scope-OrgID"), r.get_header_value("X-Custom"),
                       r.get_header_value_count("X-Scope-OrgID")});
      res.status = 204;
    });
    port_ = srv_->bind_to_any_port("127.0.0.1");
    th_ = std::thread([this] { srv_->listen_after_bind(); });
    for (int i = 0; i < 2000 && !srv_->is_running(); ++i) ::usleep(1000);
  }
  ~Peer() {
    srv_->stop();
    th_.join();
  }
  int port() const { return port_; }
  std::string url(const std::string& scheme, const std::string& host = "127.0.0.1") const {
    return fmt::format("{}://{}:{}/loki/api/v1/push", scheme, host, port_);
  }
  std::vector<Seen> seen() const {
    std::lock_guard<std::mutex> l(mu_);
    return seen_;
  }

 private:
  std::unique_ptr<httplib::Server> srv_;
  int port_ = 0;
  std::thread th_;
  mutable std::mutex mu_;
  std::vector<Seen> seen_;
};

// A forward HTTP proxy that answers every request itself with 204 and records its request line
// (absolute-form "POST http://host:port/path HTTP/1.1" proves the client went through it).
class RecordingProxy {
 public:
  RecordingProxy() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd_, 8);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    th_ = std::thread([this] { Loop(); });
  }
  ~RecordingProxy() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    th_.join();
  }
  std::string url() const { return fmt::format("http://127.0.0.1:{}", port_); }
  std::vector<std::string> lines() const {
    std::lock_guard<std::mutex> l(mu_);
    return lines_;
  }

 private:
  void Loop() {
    while (!stop_) {
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string req;
      char buf[4096];
      ssize_t n;
      size_t end = std::string::npos;
      while (end == std::string::npos && (n = ::read(c, buf, sizeof buf)) > 0) {
        req.append(buf, static_cast<size_t>(n));
        end = req.find("\r\n\r\n");
      }
      const size_t cl = req.find("Content-Length: ");
      const size_t want = cl == std::string::npos ? 0 : std::strtoul(req.c_str() + cl + 16, nullptr, 10);
      while (end != std::string::npos && req.size() < end + 4 + want && (n = ::read(c, buf, sizeof buf)) > 0) {
        req.append(buf, static_cast<size_t>(n));
      }
      {
        std::lock_guard<std::mutex> l(mu_);
        lines_.push_back(req.substr(0, req.find("\r\n")));
      }
      const std::string resp = "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      (void)!::write(c, resp.data(), resp.size());
      ::close(c);
    }
  }
  int fd_ = -1, port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread th_;
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
};

// The shared test PKI plus a server certificate valid only for DNS name "store.internal" (no IP,
// no localhost), for the server_name tests.
struct Pki {
  skald::testing::TestCerts certs;
  std::string named_cert, named_key;
};

inline const Pki& TestPki() {
  static const Pki pki = [] {
    char tmpl[] = "/tmp/skald-client-tls-XXXXXX";
    const std::string dir = ::mkdtemp(tmpl);
    Pki p{skald::testing::MakeTestCerts(dir), dir + "/named.crt", dir + "/named.key"};
    std::ofstream(dir + "/named.ext") << "[named]\nbasicConstraints = CA:FALSE\n"
                                      << "extendedKeyUsage = serverAuth\nsubjectAltName = DNS:store.internal\n";
    namespace d = skald::testing::test_certs_detail;
    d::Run("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=store.internal"
           " -keyout " + d::Q(p.named_key) + " -out " + d::Q(dir + "/named.csr"));
    d::Run("openssl ca -batch -notext -config " + d::Q(dir + "/ca.cnf") + " -cert " + d::Q(p.certs.ca) +
           " -keyfile " + d::Q(p.certs.ca_key) + " -extfile " + d::Q(dir + "/named.ext") +
           " -extensions named -days 825 -in " + d::Q(dir + "/named.csr") + " -out " + d::Q(p.named_cert));
    return p;
  }();
  return pki;
}

}  // namespace skald::client::testing
