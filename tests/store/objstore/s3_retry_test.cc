// S3ObjectStore's retry loop and failure paths against a scripted local HTTP server (real socket):
// 503 SlowDown / 429 / 500 retried with backoff, other 4xx not, network errors, GetFile rewinds,
// a failed multipart upload is aborted, and every request carries a valid SigV4 header set.
#include <httplib.h>

#include <catch.hpp>

#include <atomic>
#include <fstream>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "store/objstore/s3_object_store.h"
#include "store/objstore/sigv4.h"
#include "tests/test_support.h"

using namespace skald;
using namespace skald::objstore;
using skald::test_support::ScratchDir;

namespace {

const char* kSlowDown =
    "<?xml version=\"1.0\"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>";

// A local HTTP server whose handlers the test scripts; records every request line.
struct ScriptedServer {
  httplib::Server srv;
  int port = -1;
  std::thread th;
  std::mutex mu;
  std::vector<std::string> seen;  // "METHOD path?query"
  std::atomic<int> bad_signatures{0};

  ScriptedServer() {
    srv.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response&) {
      std::lock_guard<std::mutex> lock(mu);
      std::string q;
      for (const auto& [k, v] : req.params) q += fmt::format("{}{}={}", q.empty() ? "?" : "&", k, v);
      seen.push_back(fmt::format("{} {}{}", req.method, req.path, q));
      return httplib::Server::HandlerResponse::Unhandled;
    });
    // After the handler: the body has been read by then.
    srv.set_post_routing_handler([this](const httplib::Request& req, httplib::Response&) {
      const std::string auth = req.get_header_value("Authorization");
      if (!auth.starts_with("AWS4-HMAC-SHA256 Credential=AK/") || !req.has_header("x-amz-date") ||
          req.get_header_value("x-amz-content-sha256") != Sha256HexOf(req.body)) {
        bad_signatures++;
      }
    });
  }
  void Start() {
    port = srv.bind_to_any_port("127.0.0.1");
    th = std::thread([this] { srv.listen_after_bind(); });
    skald::test_support::WaitFor([this] { return srv.is_running(); });
  }
  ~ScriptedServer() {
    srv.stop();
    if (th.joinable()) th.join();
  }
  int Count(const std::string& prefix) {
    std::lock_guard<std::mutex> lock(mu);
    return static_cast<int>(std::count_if(seen.begin(), seen.end(), [&](const std::string& s) { return s.starts_with(prefix); }));
  }
};

S3Config ConfigFor(int port) {
  S3Config c;
  c.endpoint = fmt::format("http://127.0.0.1:{}", port);
  c.bucketnames.assign(1, 'b');
  c.access_key_id = "AK";
  c.secret_access_key = "SK";
  c.backoff_config.min_period_ns = 1'000'000;
  c.backoff_config.max_period_ns = 10'000'000;
  c.backoff_config.max_retries = 3;
  REQUIRE(ValidateS3Config(&c, "storage_config.aws").ok());
  return c;
}

}  // namespace

TEST_CASE("s3 retries 503 SlowDown, 429 and 500 and then succeeds") {
  ScriptedServer s;
  std::atomic<int> flaky{0}, limited{0};
  s.srv.Get("/b/flaky", [&](const httplib::Request&, httplib::Response& res) {
    if (flaky++ < 2) {
      res.status = 503;
      res.set_content(kSlowDown, "application/xml");
      return;
    }
    res.set_content("hello", "application/octet-stream");
  });
  s.srv.Put("/b/limited", [&](const httplib::Request&, httplib::Response& res) {
    res.status = limited++ == 0 ? 429 : (limited == 2 ? 500 : 200);
  });
  s.Start();
  metrics::Registry reg;
  auto st = S3ObjectStore::Open(ConfigFor(s.port), &reg);
  REQUIRE(st.ok());
  std::string out;
  REQUIRE((*st)->Get("flaky", 0, UINT64_MAX, &out).ok());
  CHECK(out == "hello");
  CHECK(s.Count("GET /b/flaky") == 3);
  REQUIRE((*st)->Put("limited", "body").ok());
  CHECK(s.Count("PUT /b/limited") == 3);
  CHECK(s.bad_signatures == 0);
  const std::string m = reg.Expose();
  CHECK(m.find("skald_objstore_s3_retries_total{operation=\"S3.GetObject\"} 2") != std::string::npos);
  CHECK(m.find("skald_objstore_s3_retries_total{operation=\"S3.PutObject\"} 2") != std::string::npos);
  CHECK(m.find("loki_s3_request_duration_seconds_count{operation=\"S3.GetObject\",status_code=\"503\"} 2") !=
        std::string::npos);
}

TEST_CASE("s3 does not retry other 4xx and gives up after max_retries") {
  ScriptedServer s;
  s.srv.Get("/b/denied", [](const httplib::Request&, httplib::Response& res) {
    res.status = 403;
    res.set_content("<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>", "application/xml");
  });
  s.srv.Get("/b/down", [](const httplib::Request&, httplib::Response& res) {
    res.status = 503;
    res.set_content(kSlowDown, "application/xml");
  });
  s.Start();
  auto st = S3ObjectStore::Open(ConfigFor(s.port), nullptr);
  REQUIRE(st.ok());
  std::string out;
  Status denied = (*st)->Get("denied", 0, UINT64_MAX, &out);  // no Range: httplib would slice the error body
  INFO(denied.message());
  CHECK(denied.code() == Code::kIOError);
  CHECK(denied.message().find("HTTP 403 AccessDenied: Access Denied") != std::string::npos);
  CHECK(s.Count("GET /b/denied") == 1);
  Status down = (*st)->Get("down", 0, UINT64_MAX, &out);
  INFO(down.message());
  CHECK(down.code() == Code::kUnavailable);
  CHECK(down.message().find("SlowDown") != std::string::npos);
  CHECK(down.message().find("after 3 attempts") != std::string::npos);
  CHECK(s.Count("GET /b/down") == 3);
}

TEST_CASE("s3 retries network errors and reports them as Unavailable") {
  int port = 0;
  {
    ScriptedServer gone;  // bind a port, then close it: nothing listens there
    gone.Start();
    port = gone.port;
  }
  auto st = S3ObjectStore::Open(ConfigFor(port), nullptr);
  REQUIRE(st.ok());
  Status s = (*st)->Put("k", "v");
  CHECK(s.code() == Code::kUnavailable);
  CHECK(s.message().find(fmt::format("127.0.0.1:{}", port)) != std::string::npos);
}

TEST_CASE("s3 GetFile rewinds the file between attempts and keeps error bodies out of it") {
  ScriptedServer s;
  std::atomic<int> n{0};
  s.srv.Get("/b/obj", [&](const httplib::Request&, httplib::Response& res) {
    if (n++ == 0) {
      res.status = 500;
      res.set_content("<Error><Code>InternalError</Code><Message>oops</Message></Error>", "application/xml");
      return;
    }
    res.set_content("the object", "application/octet-stream");
  });
  s.Start();
  auto st = S3ObjectStore::Open(ConfigFor(s.port), nullptr);
  REQUIRE(st.ok());
  ScratchDir dir("objstore-retry");
  REQUIRE((*st)->GetFile("obj", dir.path + "/out").ok());
  std::ifstream in(dir.path + "/out");
  std::string got((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(got == "the object");
  CHECK_FALSE(std::filesystem::exists(dir.path + "/out.tmp"));
}

TEST_CASE("s3 aborts a multipart upload whose part fails") {
  ScriptedServer s;
  s.srv.Post("/b/big", [](const httplib::Request& req, httplib::Response& res) {
    if (req.has_param("uploads")) {
      res.set_content("<InitiateMultipartUploadResult><UploadId>up-1</UploadId></InitiateMultipartUploadResult>",
                      "application/xml");
    } else {
      res.status = 400;
    }
  });
  s.srv.Put("/b/big", [](const httplib::Request&, httplib::Response& res) {
    res.status = 400;
    res.set_content("<Error><Code>EntityTooSmall</Code><Message>too small</Message></Error>", "application/xml");
  });
  s.srv.Delete("/b/big", [](const httplib::Request&, httplib::Response& res) { res.status = 204; });
  s.Start();
  S3Config cfg = ConfigFor(s.port);
  cfg.part_size = 5ull << 20;
  auto st = S3ObjectStore::Open(cfg, nullptr);
  REQUIRE(st.ok());
  ScratchDir dir("objstore-retry");
  std::ofstream(dir.path + "/f", std::ios::binary) << std::string((6ull << 20), 'x');
  Status put = (*st)->PutFile("big", dir.path + "/f");
  CHECK(put.code() == Code::kIOError);
  CHECK(put.message().find("EntityTooSmall") != std::string::npos);
  CHECK(s.Count("POST /b/big?uploads=") == 1);
  CHECK(s.Count("PUT /b/big?partNumber=1&uploadId=up-1") == 1);
  CHECK(s.Count("DELETE /b/big?uploadId=up-1") == 1);
  CHECK(s.bad_signatures == 0);
}

TEST_CASE("s3 endpoint without a scheme is https unless insecure, and bad keys are refused") {
  ScriptedServer s;
  s.srv.Get("/b/k", [](const httplib::Request&, httplib::Response& res) { res.set_content("v", "text/plain"); });
  s.Start();
  S3Config cfg = ConfigFor(s.port);
  cfg.endpoint = fmt::format("127.0.0.1:{}", s.port);
  cfg.backoff_config.max_retries = 1;
  auto tls = S3ObjectStore::Open(cfg, nullptr);
  REQUIRE(tls.ok());
  CHECK((*tls)->Describe() == fmt::format("s3://b (https://127.0.0.1:{}, path-style)", s.port));
  std::string out;
  CHECK_FALSE((*tls)->Get("k", 0, UINT64_MAX, &out).ok());  // TLS to a plain-HTTP server
  cfg.insecure = true;
  auto plain = S3ObjectStore::Open(cfg, nullptr);
  REQUIRE(plain.ok());
  REQUIRE((*plain)->Get("k", 0, UINT64_MAX, &out).ok());
  CHECK(out == "v");
  for (const std::string& key : {std::string(), std::string("/abs"), std::string(1025, 'k')}) {
    CHECK((*plain)->Put(key, "x").code() == Code::kInvalidArgument);
    CHECK((*plain)->Head(key).status().code() == Code::kInvalidArgument);
  }
}
