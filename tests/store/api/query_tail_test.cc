// Live tail over a real WebSocket: handshake, history frame, live frames, and pre-upgrade errors.
#include <catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/store/api/query_api_test_util.h"
#include "tests/loopback_connect.h"

namespace skald::api::testing {
namespace {

// A minimal RFC 6455 client: sends the upgrade, then reads server frames.
class WsClient {
 public:
  explicit WsClient(int port) {
    fd_ = skald::testing::ConnectLoopback(port);
  }
  ~WsClient() { ::close(fd_); }

  // Returns the response head (status line + headers).
  std::string Upgrade(const std::string& target, const std::string& org_id = "") {
    std::string req = "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                      "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                      "Sec-WebSocket-Version: 13\r\n";
    if (!org_id.empty()) req += "X-Scope-OrgID: " + org_id + "\r\n";
    req += "\r\n";
    REQUIRE(::send(fd_, req.data(), req.size(), 0) == static_cast<ssize_t>(req.size()));
    while (buf_.find("\r\n\r\n") == std::string::npos) REQUIRE(Fill());
    size_t end = buf_.find("\r\n\r\n") + 4;
    std::string head = buf_.substr(0, end);
    buf_.erase(0, end);
    return head;
  }

  // Next frame: opcode and payload. Returns false on EOF/timeout.
  bool Frame(int* opcode, std::string* payload) {
    while (buf_.size() < 2) if (!Fill()) return false;
    *opcode = buf_[0] & 0x0F;
    uint64_t n = static_cast<uint8_t>(buf_[1]) & 0x7F;
    size_t hdr = 2;
    if (n == 126 || n == 127) {
      size_t len_bytes = n == 126 ? 2 : 8;
      while (buf_.size() < 2 + len_bytes) if (!Fill()) return false;
      n = 0;
      for (size_t i = 0; i < len_bytes; i++) n = (n << 8) | static_cast<uint8_t>(buf_[2 + i]);
      hdr += len_bytes;
    }
    while (buf_.size() < hdr + n) if (!Fill()) return false;
    *payload = buf_.substr(hdr, n);
    buf_.erase(0, hdr + n);
    return true;
  }

  // Next text frame, skipping pings.
  std::string Text() {
    int op = 0;
    std::string p;
    while (Frame(&op, &p)) {
      if (op == 1 || op == 8) return op == 8 ? "close:" + p.substr(2) : p;
    }
    return "";
  }

  // Raw bytes until `needle` arrives, EOF or timeout (for plain HTTP error responses).
  std::string ReadUntil(const std::string& needle) {
    while (buf_.find(needle) == std::string::npos && Fill()) {}
    return buf_;
  }

 private:
  bool Fill() {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 5000) <= 0) return false;
    char tmp[4096];
    ssize_t n = ::recv(fd_, tmp, sizeof(tmp), 0);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
  }
  int fd_ = -1;
  std::string buf_;
};

TEST_CASE("tail sends history then live entries as Loki tail messages") {
  ApiServer s(false, [](QueryDeps& d) { d.now_ns = nullptr; });
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  s.reader.Push("fake", *LabelSet::Parse(R"({app="a"})"), {{now - 5 * kSec, "old line", {}}});
  WsClient ws(s.port);
  std::string head = ws.Upgrade("/loki/api/v1/tail?query=%7Bapp%3D%22a%22%7D&limit=10");
  CHECK(head.rfind("HTTP/1.1 101", 0) == 0);
  CHECK(head.find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") != std::string::npos);
  std::string first = ws.Text();
  CHECK(first == R"({"streams":[{"stream":{"app":"a"},"values":[[")" + std::to_string(now - 5 * kSec) +
                     R"(","old line"]]}]})");
  // Subscription happens before history is sent, so this push is delivered live.
  s.reader.Push("fake", *LabelSet::Parse(R"({app="b"})"), {{now, "other stream", {}}});
  s.reader.Push("fake", *LabelSet::Parse(R"({app="a"})"), {{now + 1, "new line", {}}});
  std::string live = ws.Text();
  CHECK(live == R"({"streams":[{"stream":{"app":"a"},"values":[[")" + std::to_string(now + 1) +
                    R"(","new line"]]}]})");
}

TEST_CASE("tail parameter errors are answered before the upgrade") {
  ApiServer s;
  WsClient ws(s.port);
  ws.Upgrade("/loki/api/v1/tail?query=%7Bapp%3D%22a%22%7D&delay_for=6");
  // The head was the 400 status line; the body follows.
  std::string rest = ws.ReadUntil("greater than 5");
  CHECK(rest.find("delay_for can't be greater than 5") != std::string::npos);
  WsClient ws2(s.port);
  std::string head = ws2.Upgrade("/loki/api/v1/tail?query=count_over_time(%7Bapp%3D%22a%22%7D%5B1m%5D)");
  CHECK(head.rfind("HTTP/1.1 400", 0) == 0);
}

TEST_CASE("tail refuses a multi-tenant org ID and reads one tenant when it is repeated") {
  ApiServer s(true, [](QueryDeps& d) { d.now_ns = nullptr; });
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  s.reader.Push("a", *LabelSet::Parse(R"({app="x"})"), {{now - kSec, "line of a", {}}});
  s.reader.Push("b", *LabelSet::Parse(R"({app="x"})"), {{now - kSec, "line of b", {}}});
  WsClient both(s.port);
  std::string head = both.Upgrade("/loki/api/v1/tail?query=%7Bapp%3D%22x%22%7D", "a|b");
  CHECK(head.rfind("HTTP/1.1 400", 0) == 0);
  CHECK(both.ReadUntil("present").find("multiple org IDs present") != std::string::npos);
  WsClient same(s.port);
  CHECK(same.Upgrade("/loki/api/v1/tail?query=%7Bapp%3D%22x%22%7D", "a|a").rfind("HTTP/1.1 101", 0) == 0);
  std::string first = same.Text();
  CHECK(first.find("line of a") != std::string::npos);
  CHECK(first.find("line of b") == std::string::npos);
}

}  // namespace
}  // namespace skald::api::testing
