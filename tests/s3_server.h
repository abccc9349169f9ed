// TestS3Server: the real S3 server (radosgw, scripts/s3-server.sh) object-storage tests talk to: the
// one CI started (env SKALD_TEST_S3_*) or else one this test process starts once and stops at exit.
#pragma once

#include <catch.hpp>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace skald::testing {

// Usage:  auto& s3 = TestS3Server::Get();
//         if (!s3.Available()) return;                 // ceph not installed: WARNs and skips
//         std::string bucket = s3.NewBucket("chunks");  // fresh bucket per test (REQUIREs success)
// Available() FAILs the test when ceph is installed but the server did not start. Thread-safe.
// Addressing is path-style (http://127.0.0.1:<port>/<bucket>/<key>); SigV4 with region().
class TestS3Server {
 public:
  static TestS3Server& Get() {
    static TestS3Server server;
    return server;
  }

  // True when a server is reachable; false (after a WARN) only when neither SKALD_TEST_S3_ENDPOINT
  // is set nor the ceph binaries are installed. Starts the server on first use.
  bool Available() {
    std::lock_guard<std::mutex> lock(mu_);
    if (!started_) Start();
    if (!skip_reason_.empty()) {
      WARN("SKIP: " << skip_reason_);
      return false;
    }
    if (!error_.empty()) FAIL(error_);
    return true;
  }

  const std::string& endpoint() const { return endpoint_; }
  const std::string& access_key() const { return access_key_; }
  const std::string& secret_key() const { return secret_key_; }
  const std::string& region() const { return region_; }

  // The body of a SigV4-signed GET of `<endpoint>/<path_and_query>` through curl (a query must
  // already be in canonical, encoded form: curl signs it as written). REQUIREs that curl ran.
  std::string Get(const std::string& path_and_query) const {
    std::string out;
    int rc = Run("curl -sS --aws-sigv4 'aws:amz:" + region_ + ":s3' --user '" + access_key_ + ":" + secret_key_ +
                     "' -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' '" + endpoint_ + "/" + path_and_query + "'",
                 &out);
    INFO(out);
    REQUIRE(rc == 0);
    return out;
  }

  // Keys under `prefix` in `bucket` (one ListObjectsV2 page: tests hold far fewer than 1000 objects).
  std::vector<std::string> ListKeys(const std::string& bucket, const std::string& prefix) const {
    std::string enc;   // curl signs the query as written: it must already be in canonical (encoded) form
    for (char c : prefix) enc += c == '/' ? std::string("%2F") : std::string(1, c);
    const std::string out = Get(bucket + "?list-type=2&prefix=" + enc);
    INFO(out);
    REQUIRE(out.find("ListBucketResult") != std::string::npos);
    std::vector<std::string> keys;
    for (size_t pos = 0; (pos = out.find("<Key>", pos)) != std::string::npos;) {
      size_t end = out.find("</Key>", pos);
      REQUIRE(end != std::string::npos);
      keys.push_back(out.substr(pos + 5, end - pos - 5));
      pos = end;
    }
    return keys;
  }

  // Creates `name` with a SigV4-signed PUT /<name>; "" on success, else the HTTP status and body.
  std::string CreateBucket(const std::string& name) const {
    for (char c : name)
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) return "bad bucket name " + name;
    std::string out;
    int rc = Run("curl -sS -o - -w '\\n%{http_code}' -X PUT --aws-sigv4 'aws:amz:" + region_ + ":s3' --user '" +
                     access_key_ + ":" + secret_key_ + "' -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' '" +
                     endpoint_ + "/" + name + "'",
                 &out);
    if (rc == 0 && out.size() >= 3 && out.compare(out.size() - 3, 3, "200") == 0) return "";
    return "create bucket " + name + ": curl exit " + std::to_string(rc) + ": " + out;
  }

  // A bucket name no other test (in this or another process) uses, created; REQUIREs success.
  std::string NewBucket(const std::string& prefix) const {
    static std::atomic<int> counter{0};
    auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    std::string name = (prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
                        std::to_string(now % 1000000)).substr(0, 63);
    std::string err = CreateBucket(name);
    INFO(err);
    REQUIRE(err.empty());
    return name;
  }

  // Stops the server this process started; its directory stays when the start failed (logs).
  ~TestS3Server() {
    if (dir_.empty()) return;
    std::string out;
    Run("bash '" + Script() + "' stop '" + dir_ + "'", &out);
    std::error_code ec;
    if (error_.empty()) std::filesystem::remove_all(dir_, ec);
  }

 private:
  TestS3Server() = default;

  static std::string Env(const char* name, const std::string& fallback = "") {
    const char* v = std::getenv(name);
    return v && *v ? v : fallback;
  }

  static std::string Script() {
    return Env("SKALD_SOURCE_DIR", SKALD_SOURCE_DIR) + "/scripts/s3-server.sh";
  }

  // Runs `cmd` with /bin/sh; its exit status, stdout+stderr in *output.
  static int Run(const std::string& cmd, std::string* output) {
    FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
    if (!p) return -1;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) output->append(buf, n);
    int st = ::pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  }

  static int FreePort() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    int port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
      port = ntohs(a.sin_port);
    ::close(fd);
    return port;
  }

  // Reads KEY=value lines of <dir>/s3.env into the fields.
  void LoadEnvFile(const std::string& path) {
    FILE* f = std::fopen(path.c_str(), "r");
    if (!f) return;
    char line[512];
    while (std::fgets(line, sizeof(line), f)) {
      std::string l(line);
      while (!l.empty() && (l.back() == '\n' || l.back() == '\r')) l.pop_back();
      auto eq = l.find('=');
      if (eq == std::string::npos) continue;
      std::string k = l.substr(0, eq), v = l.substr(eq + 1);
      if (k == "SKALD_TEST_S3_ENDPOINT") endpoint_ = v;
      if (k == "SKALD_TEST_S3_ACCESS_KEY") access_key_ = v;
      if (k == "SKALD_TEST_S3_SECRET_KEY") secret_key_ = v;
      if (k == "SKALD_TEST_S3_REGION") region_ = v;
    }
    std::fclose(f);
  }

  void Start() {
    started_ = true;
    endpoint_ = Env("SKALD_TEST_S3_ENDPOINT");
    if (!endpoint_.empty()) {
      access_key_ = Env("SKALD_TEST_S3_ACCESS_KEY");
      secret_key_ = Env("SKALD_TEST_S3_SECRET_KEY");
      region_ = Env("SKALD_TEST_S3_REGION", "default");
      if (access_key_.empty() || secret_key_.empty())
        error_ = "SKALD_TEST_S3_ENDPOINT is set but SKALD_TEST_S3_ACCESS_KEY/SECRET_KEY are not";
      return;
    }
    std::string out;
    if (Run("command -v ceph-mon && command -v ceph-osd && command -v radosgw && command -v radosgw-admin", &out) != 0) {
      skip_reason_ = "no S3 server: SKALD_TEST_S3_ENDPOINT unset and ceph-mon/ceph-osd/radosgw not installed "
                     "(scripts/install-deps.sh installs them)";
      return;
    }
    char tmpl[] = "/tmp/skald-s3-XXXXXX";
    if (!::mkdtemp(tmpl)) {
      error_ = "mkdtemp failed";
      return;
    }
    dir_ = tmpl;
    out.clear();
    int rc = Run("SKALD_S3_OWNER_PID=" + std::to_string(::getpid()) + " bash '" + Script() + "' start '" + dir_ +
                     "' " + std::to_string(FreePort()),
                 &out);
    LoadEnvFile(dir_ + "/s3.env");
    if (rc != 0 || endpoint_.empty())
      error_ = "scripts/s3-server.sh start " + dir_ + " failed (exit " + std::to_string(rc) + "):\n" + out;
  }

  std::mutex mu_;
  bool started_ = false;
  std::string skip_reason_, error_, dir_;
  std::string endpoint_, access_key_, secret_key_, region_;
};

}  // namespace skald::testing
