// The server side of RFC 6455 that live tail needs: the handshake's accept key, unmasked server
// frames, and a non-blocking reader of the client's masked frames (close → echo, ping → pong).
#pragma once

#include <httplib.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace skald::api {

std::string WebSocketAccept(std::string_view key);  // base64(SHA-1(key + GUID))
enum class WsOpcode : uint8_t { kText = 1, kClose = 8, kPing = 9, kPong = 10 };
std::string EncodeWsFrame(WsOpcode op, std::string_view payload);  // server frame (unmasked)
std::string EncodeWsClose(uint16_t code, std::string_view reason);

// cpp-httplib 0.11 does not hand a handler its connection's socket: this finds it by the
// request's addresses in /proc/self/fd (Linux). -1 when not found.
int FindConnectionFd(const httplib::Request& req);

// Reads the client's frames without blocking. Poll returns false once the client closed (close
// frame or EOF); `reply` collects the frames to send back (pong, close echo). fd -1 = no-op.
class ClientFrames {
 public:
  explicit ClientFrames(int fd) : fd_(fd) {}
  bool Poll(std::string* reply);

 private:
  bool Parse(std::string* reply);
  int fd_;
  std::string buf_;
};

}  // namespace skald::api
