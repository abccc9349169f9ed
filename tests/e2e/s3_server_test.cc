// The real S3 server the object-storage tests use (#22): scripts/s3-server.sh's radosgw passes the
// curl SigV4 smoke script, and TestS3Server hands out fresh buckets on it.
#include <catch.hpp>
#include <sys/wait.h>

#include <cstdio>
#include <string>

#include "tests/s3_server.h"

namespace {

using skald::testing::TestS3Server;

std::string Shell(const std::string& cmd, int* rc) {
  std::string out;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  int st = ::pclose(p);
  *rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
}

// curl with SigV4 against the test server; prints the body, then the HTTP status on the last line.
std::string S3Curl(const TestS3Server& s3, const std::string& args, int* rc) {
  return Shell("curl -sS -w '\\n%{http_code}' --aws-sigv4 'aws:amz:" + s3.region() + ":s3' --user '" +
                   s3.access_key() + ":" + s3.secret_key() + "' -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' " + args,
               rc);
}

bool HaveCeph() {
  int rc = 0;
  Shell("command -v ceph-mon && command -v ceph-osd && command -v radosgw", &rc);
  return rc == 0;
}

}  // namespace

TEST_CASE("s3 server: scripts/s3-server.sh starts radosgw that passes the curl SigV4 smoke checks") {
  if (!HaveCeph()) {
    WARN("SKIPPED: ceph-mon/ceph-osd/radosgw not installed (scripts/install-deps.sh installs them)");
    return;
  }
  int rc = 0;
  std::string out = Shell("bash '" SKALD_SOURCE_DIR "/tests/scripts/s3_server_smoke.sh'", &rc);
  INFO(out);
  REQUIRE(rc == 0);
  CHECK(out.find("all S3 checks passed") != std::string::npos);
}

TEST_CASE("s3 server: TestS3Server gives each test its own fresh bucket") {
  auto& s3 = TestS3Server::Get();
  if (!s3.Available()) return;
  std::string a = s3.NewBucket("helper");
  std::string b = s3.NewBucket("helper");
  CHECK(a != b);

  int rc = 0;
  std::string list = S3Curl(s3, "'" + s3.endpoint() + "/" + a + "?list-type=2'", &rc);
  INFO(list);
  REQUIRE(rc == 0);
  CHECK(list.find("<KeyCount>0</KeyCount>") != std::string::npos);

  std::string put = S3Curl(s3, "-X PUT --data-binary hello '" + s3.endpoint() + "/" + a + "/k'", &rc);
  INFO(put);
  CHECK(put.substr(put.size() - 3) == "200");
  std::string get = S3Curl(s3, "'" + s3.endpoint() + "/" + a + "/k'", &rc);
  CHECK(get == "hello\n200");
  std::string other = S3Curl(s3, "'" + s3.endpoint() + "/" + b + "/k'", &rc);
  CHECK(other.substr(other.size() - 3) == "404");
  CHECK(s3.CreateBucket("Bad_Name") != "");
}
