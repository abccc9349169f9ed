// FUZZ_LINK: skald_store_auth
// libFuzzer target for the Authorization header (Basic base64 user:password, Bearer token68): any
// bytes give none, malformed, basic or bearer; a Basic result re-encodes to the same credentials.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "store/auth/auth_header.h"

namespace {

std::string Base64(const std::string& in) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    out += {k[v >> 18], k[(v >> 12) & 63], k[(v >> 6) & 63], k[v & 63]};
  }
  if (i + 1 == in.size()) {
    uint32_t v = uint8_t(in[i]) << 16;
    out += {k[v >> 18], k[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += {k[v >> 18], k[(v >> 12) & 63], k[(v >> 6) & 63], '='};
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using skald::auth::AuthHeader;
  std::string value(reinterpret_cast<const char*>(data), size);
  AuthHeader h = skald::auth::ParseAuthorization(value);
  if (h.kind == AuthHeader::Kind::kBasic) {
    AuthHeader again = skald::auth::ParseAuthorization("Basic " + Base64(h.username + ":" + h.password));
    if (again.kind != AuthHeader::Kind::kBasic || again.username != h.username || again.password != h.password)
      std::abort();
    if (h.username.find(':') != std::string::npos) std::abort();
  }
  if (h.kind == AuthHeader::Kind::kBearer && h.token.empty()) std::abort();
  if (h.kind == AuthHeader::Kind::kMalformed && h.problem.empty()) std::abort();
  std::string decoded;
  (void)skald::auth::DecodeBase64(value, &decoded);
  return 0;
}
