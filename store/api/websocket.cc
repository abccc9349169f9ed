// RFC 6455 server side (see websocket.h): handshake key, frame encoding, and a non-blocking reader
// of client frames on a socket found through /proc/self/fd.
#include "store/api/websocket.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cstdlib>

namespace skald::api {
namespace {

std::string Sha1(std::string_view msg) {
  uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
  std::string m(msg);
  uint64_t bits = static_cast<uint64_t>(msg.size()) * 8;
  m.push_back(static_cast<char>(0x80));
  while (m.size() % 64 != 56) m.push_back(0);
  for (int i = 7; i >= 0; i--) m.push_back(static_cast<char>(bits >> (i * 8)));
  auto rol = [](uint32_t x, int n) { return (x << n) | (x >> (32 - n)); };
  for (size_t off = 0; off < m.size(); off += 64) {
    uint32_t w[80];
    for (int i = 0; i < 16; i++) {
      w[i] = 0;
      for (int k = 0; k < 4; k++) w[i] = (w[i] << 8) | static_cast<uint8_t>(m[off + i * 4 + k]);
    }
    for (int i = 16; i < 80; i++) w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 80; i++) {
      uint32_t f, k;
      if (i < 20) f = (b & c) | (~b & d), k = 0x5A827999;
      else if (i < 40) f = b ^ c ^ d, k = 0x6ED9EBA1;
      else if (i < 60) f = (b & c) | (b & d) | (c & d), k = 0x8F1BBCDC;
      else f = b ^ c ^ d, k = 0xCA62C1D6;
      uint32_t t = rol(a, 5) + f + e + k + w[i];
      e = d, d = c, c = rol(b, 30), b = a, a = t;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
  }
  std::string out;
  for (uint32_t x : h) {
    for (int i = 3; i >= 0; i--) out.push_back(static_cast<char>(x >> (i * 8)));
  }
  return out;
}

std::string Base64(std::string_view in) {
  static const char* kAlpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t n = static_cast<uint8_t>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<uint8_t>(in[i + 1]) << 8;
    if (i + 2 < in.size()) n |= static_cast<uint8_t>(in[i + 2]);
    out.push_back(kAlpha[(n >> 18) & 63]);
    out.push_back(kAlpha[(n >> 12) & 63]);
    out.push_back(i + 1 < in.size() ? kAlpha[(n >> 6) & 63] : '=');
    out.push_back(i + 2 < in.size() ? kAlpha[n & 63] : '=');
  }
  return out;
}

}  // namespace

int FindConnectionFd(const httplib::Request& req) {
  DIR* d = opendir("/proc/self/fd");
  if (d == nullptr) return -1;
  int found = -1;
  while (dirent* e = readdir(d)) {
    int fd = std::atoi(e->d_name);
    struct stat st;
    if (fd <= 2 || fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
    sockaddr_storage peer{}, local{};
    socklen_t pl = sizeof(peer), ll = sizeof(local);
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &pl) != 0) continue;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &ll) != 0) continue;
    char ip[INET6_ADDRSTRLEN] = {0};
    int pport = 0, lport = 0;
    if (peer.ss_family == AF_INET) {
      auto* a = reinterpret_cast<sockaddr_in*>(&peer);
      inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
      pport = ntohs(a->sin_port);
      lport = ntohs(reinterpret_cast<sockaddr_in*>(&local)->sin_port);
    } else if (peer.ss_family == AF_INET6) {
      auto* a = reinterpret_cast<sockaddr_in6*>(&peer);
      inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof(ip));
      pport = ntohs(a->sin6_port);
      lport = ntohs(reinterpret_cast<sockaddr_in6*>(&local)->sin6_port);
    }
    if (pport == req.remote_port && lport == req.local_port && req.remote_addr == ip) {
      found = fd;
      break;
    }
  }
  closedir(d);
  return found;
}

bool ClientFrames::Poll(std::string* reply) {
  if (fd_ < 0) return true;
  pollfd p{fd_, POLLIN, 0};
  while (::poll(&p, 1, 0) > 0) {
    char tmp[4096];
    ssize_t n = ::recv(fd_, tmp, sizeof(tmp), MSG_DONTWAIT);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<size_t>(n));
  }
  return Parse(reply);
}

bool ClientFrames::Parse(std::string* reply) {
  while (buf_.size() >= 2) {
    const uint8_t op = buf_[0] & 0x0F;
    uint64_t len = static_cast<uint8_t>(buf_[1]) & 0x7F;
    size_t hdr = 2;
    if (len >= 126) {
      size_t lb = len == 126 ? 2 : 8;
      if (buf_.size() < 2 + lb) return true;
      len = 0;
      for (size_t i = 0; i < lb; i++) len = (len << 8) | static_cast<uint8_t>(buf_[2 + i]);
      hdr += lb;
    }
    const bool masked = buf_[1] & 0x80;
    if (buf_.size() < hdr + (masked ? 4 : 0) + len) return true;
    std::string payload = buf_.substr(hdr + (masked ? 4 : 0), len);
    for (size_t i = 0; masked && i < payload.size(); i++) payload[i] ^= buf_[hdr + i % 4];
    buf_.erase(0, hdr + (masked ? 4 : 0) + len);
    if (op == static_cast<uint8_t>(WsOpcode::kClose)) {
      reply->append(EncodeWsFrame(WsOpcode::kClose, payload.substr(0, 2)));
      return false;
    }
    if (op == static_cast<uint8_t>(WsOpcode::kPing)) reply->append(EncodeWsFrame(WsOpcode::kPong, payload));
  }
  return true;
}

std::string WebSocketAccept(std::string_view key) {
  return Base64(Sha1(std::string(key) + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"));
}

std::string EncodeWsFrame(WsOpcode op, std::string_view payload) {
  std::string f;
  f.push_back(static_cast<char>(0x80 | static_cast<uint8_t>(op)));
  const uint64_t n = payload.size();
  if (n < 126) {
    f.push_back(static_cast<char>(n));
  } else if (n <= 0xFFFF) {
    f.push_back(126);
    f.push_back(static_cast<char>(n >> 8));
    f.push_back(static_cast<char>(n & 0xFF));
  } else {
    f.push_back(127);
    for (int i = 7; i >= 0; i--) f.push_back(static_cast<char>(n >> (i * 8)));
  }
  f.append(payload);
  return f;
}

std::string EncodeWsClose(uint16_t code, std::string_view reason) {
  std::string p;
  p.push_back(static_cast<char>(code >> 8));
  p.push_back(static_cast<char>(code & 0xFF));
  p.append(reason.substr(0, 123));
  return EncodeWsFrame(WsOpcode::kClose, p);
}

}  // namespace skald::api
