// Header-only test PKI made with the openssl CLI: a CA, a localhost server cert, client certs (valid,
// expired, from a second CA) and an expired server cert, for the TLS tests of the servers and clients.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace skald::testing {

struct TestCerts {
  std::string dir, ca, ca_key, server_cert, server_key, client_cert, client_key, expired_client_cert,
      expired_client_key, other_ca, other_client_cert, other_client_key, expired_server_cert,
      expired_server_key;
};

namespace test_certs_detail {

inline void Run(const std::string& cmd) {
  std::string full = cmd + " >/dev/null 2>>\"${TEST_CERTS_LOG:-/dev/null}\"";
  if (std::system(full.c_str()) != 0) throw std::runtime_error("MakeTestCerts: command failed: " + cmd);
}

inline std::string Q(const std::string& s) { return "'" + s + "'"; }

// `openssl ca` configuration: one database for both CAs, unique subjects not required, server and
// client extension sections.
inline void WriteCaConfig(const std::string& dir) {
  std::filesystem::create_directories(dir + "/newcerts");
  std::ofstream(dir + "/index.txt").flush();
  std::ofstream(dir + "/serial") << "1000\n";
  std::ofstream(dir + "/ca.cnf")
      << "[ca]\ndefault_ca = test_ca\n"
      << "[test_ca]\ndatabase = " << dir << "/index.txt\nnew_certs_dir = " << dir
      << "/newcerts\nserial = " << dir << "/serial\ndefault_md = sha256\npolicy = policy_any\n"
      << "unique_subject = no\ncopy_extensions = none\n"
      << "[policy_any]\ncommonName = supplied\n"
      << "[server_ext]\nbasicConstraints = CA:FALSE\nkeyUsage = digitalSignature,keyEncipherment\n"
      << "extendedKeyUsage = serverAuth\nsubjectAltName = DNS:localhost,IP:127.0.0.1\n"
      << "[client_ext]\nbasicConstraints = CA:FALSE\nkeyUsage = digitalSignature,keyEncipherment\n"
      << "extendedKeyUsage = clientAuth\n";
}

inline void MakeCa(const std::string& dir, const std::string& name, const std::string& cn) {
  Run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 -subj " +
      Q("/CN=" + cn) + " -keyout " + Q(dir + "/" + name + ".key") + " -out " +
      Q(dir + "/" + name + ".crt"));
}

// Signs a new key for `cn` with the CA `ca` (files <ca>.crt/.key); `validity` is "-days N" or
// "-startdate ... -enddate ...".
inline void Issue(const std::string& dir, const std::string& ca, const std::string& name,
                  const std::string& cn, const std::string& ext, const std::string& validity) {
  std::string key = dir + "/" + name + ".key", csr = dir + "/" + name + ".csr";
  Run("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj " +
      Q("/CN=" + cn) + " -keyout " + Q(key) + " -out " + Q(csr));
  Run("openssl ca -batch -notext -config " + Q(dir + "/ca.cnf") + " -cert " +
      Q(dir + "/" + ca + ".crt") + " -keyfile " + Q(dir + "/" + ca + ".key") + " -extensions " + ext +
      " " + validity + " -in " + Q(csr) + " -out " + Q(dir + "/" + name + ".crt"));
}

inline const char* kExpired = "-startdate 20200101000000Z -enddate 20200102000000Z";

}  // namespace test_certs_detail

// Issues one more localhost server certificate (a new key and serial) signed by the test CA, as
// <dir>/<name>.crt and <dir>/<name>.key: for rotation tests.
inline void IssueServerCert(const TestCerts& c, const std::string& name) {
  test_certs_detail::Issue(c.dir, "ca", name, "localhost", "server_ext", "-days 825");
}

// Makes the certificates under `dir` (created if missing); throws std::runtime_error on failure
// (Catch reports it as a failed test). Set TEST_CERTS_LOG=<file> to keep openssl's stderr.
inline TestCerts MakeTestCerts(const std::string& dir) {
  namespace d = test_certs_detail;
  std::filesystem::create_directories(dir);
  d::WriteCaConfig(dir);
  d::MakeCa(dir, "ca", "skald-test-ca");
  d::MakeCa(dir, "other_ca", "skald-other-ca");
  d::Issue(dir, "ca", "server", "localhost", "server_ext", "-days 825");
  d::Issue(dir, "ca", "client", "skald-client", "client_ext", "-days 825");
  d::Issue(dir, "ca", "expired_client", "skald-expired-client", "client_ext", d::kExpired);
  d::Issue(dir, "other_ca", "other_client", "skald-other-client", "client_ext", "-days 825");
  d::Issue(dir, "ca", "expired_server", "localhost", "server_ext", d::kExpired);
  auto p = [&](const std::string& f) { return dir + "/" + f; };
  return TestCerts{dir,
                   p("ca.crt"),
                   p("ca.key"),
                   p("server.crt"),
                   p("server.key"),
                   p("client.crt"),
                   p("client.key"),
                   p("expired_client.crt"),
                   p("expired_client.key"),
                   p("other_ca.crt"),
                   p("other_client.crt"),
                   p("other_client.key"),
                   p("expired_server.crt"),
                   p("expired_server.key")};
}

}  // namespace skald::testing
