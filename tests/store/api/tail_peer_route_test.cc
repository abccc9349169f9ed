// The tail route's side of the fan-out: a client tail opens the reader's remote tails, a read
// node's tail (X-Skald-Peer-Tail) never does and gets a first frame at once, a node that takes
// pushes (FansOutTails false) never fans out, and a node's tail on itself is refused with 508.
#include <catch.hpp>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>

#include "store/api/live_tail_source.h"
#include "tests/store/api/query_api_test_util.h"
#include "tests/loopback_connect.h"

namespace skald::api::testing {
namespace {

// A reader with remote tails (as FederatedReader): counts the tails it is asked to open.
struct FanoutReader : skald::testing::FakeStoreReader, LiveTailSource {
  bool fans_out = true;
  std::atomic<int> opened{0};
  bool FansOutTails() const override { return fans_out; }
  std::shared_ptr<void> OpenTail(const LiveTailRequest&, LiveTailCallbacks) override {
    opened++;
    return std::make_shared<int>(0);
  }
};

// Sends the upgrade with `extra` header lines; returns everything read within 2 s (head + frames).
std::string Upgrade(int port, const std::string& extra) {
  int fd = skald::testing::ConnectLoopback(port);
  const std::string req = "GET /loki/api/v1/tail?query=%7Bapp%3D%22a%22%7D HTTP/1.1\r\nHost: localhost\r\n"
                          "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                          "Sec-WebSocket-Version: 13\r\n" + extra + "\r\n";
  REQUIRE(::send(fd, req.data(), req.size(), 0) == static_cast<ssize_t>(req.size()));
  std::string got;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (std::chrono::steady_clock::now() < until && got.find("\"streams\"") == std::string::npos) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    char tmp[4096];
    ssize_t n = ::recv(fd, tmp, sizeof(tmp), 0);
    if (n <= 0) break;
    got.append(tmp, static_cast<size_t>(n));
  }
  ::close(fd);
  return got;
}

constexpr const char* kHello = R"({"streams":[],"dropped_entries":[]})";

TEST_CASE("tail route: remote tails are opened for client tails only, on nodes that fan out") {
  FanoutReader r;
  ApiServer s(false, [&r](QueryDeps& d) { d.reader = &r; });
  SECTION("a client's tail opens them") {
    CHECK(Upgrade(s.port, "").rfind("HTTP/1.1 101", 0) == 0);
    CHECK(r.opened == 1);
  }
  SECTION("a read node's tail does not, and gets a first (empty) frame at once") {
    std::string got = Upgrade(s.port, std::string(kPeerTailHeader) + ": another-node\r\n");
    CHECK(got.rfind("HTTP/1.1 101", 0) == 0);
    CHECK(got.find(kHello) != std::string::npos);
    CHECK(r.opened == 0);
  }
  SECTION("a node that does not fan out (a write node) does not") {
    r.fans_out = false;
    std::string got = Upgrade(s.port, "");
    CHECK(got.rfind("HTTP/1.1 101", 0) == 0);
    CHECK(got.find(kHello) == std::string::npos);   // only read nodes' tails get it
    CHECK(r.opened == 0);
  }
  SECTION("this node's own id: refused before the upgrade") {
    std::string got = Upgrade(s.port, std::string(kPeerTailHeader) + ": " + PeerTailId() + "\r\n");
    CHECK(got.rfind("HTTP/1.1 508", 0) == 0);
    CHECK(r.opened == 0);
  }
}

}  // namespace
}  // namespace skald::api::testing
