// Authorization header parsing (see auth_header.h): strict base64 and token68 checks, so that
// malformed input is refused rather than guessed at.
#include "store/auth/auth_header.h"

#include <cstdint>

namespace skald::auth {
namespace {

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? char(a[i] + 32) : a[i];
    char y = b[i] >= 'A' && b[i] <= 'Z' ? char(b[i] + 32) : b[i];
    if (x != y) return false;
  }
  return true;
}

// RFC 6750's b64token: ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/", then "=" padding.
bool IsToken68(std::string_view t) {
  if (t.empty()) return false;
  size_t i = 0;
  auto body = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
  };
  while (i < t.size() && body(t[i])) ++i;
  if (i == 0) return false;
  while (i < t.size() && t[i] == '=') ++i;
  return i == t.size();
}

AuthHeader Malformed(std::string why) {
  AuthHeader h;
  h.kind = AuthHeader::Kind::kMalformed;
  h.problem = std::move(why);
  return h;
}

}  // namespace

bool DecodeBase64(std::string_view in, std::string* out) {
  out->clear();
  if (in.size() % 4 != 0) return false;
  uint32_t acc = 0;
  int bits = 0;
  size_t pad = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '=') {
      if (i + 2 < in.size()) return false;  // '=' only in the last two places
      ++pad;
      continue;
    }
    if (pad > 0) return false;  // data after padding
    int v = Base64Value(in[i]);
    if (v < 0) return false;
    acc = (acc << 6) | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(char((acc >> bits) & 0xff));
    }
  }
  return pad <= 2;
}

AuthHeader ParseAuthorization(std::string_view value) {
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  if (value.empty()) return {};
  size_t sp = value.find(' ');
  if (sp == std::string_view::npos) return Malformed("no credentials after the scheme");
  std::string_view scheme = value.substr(0, sp), rest = value.substr(sp + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  if (EqualsIgnoreCase(scheme, "Bearer")) {
    if (!IsToken68(rest)) return Malformed("bearer token is not a token68");
    AuthHeader h;
    h.kind = AuthHeader::Kind::kBearer;
    h.token = std::string(rest);
    return h;
  }
  if (!EqualsIgnoreCase(scheme, "Basic")) return Malformed("unsupported scheme");
  std::string decoded;
  if (!DecodeBase64(rest, &decoded)) return Malformed("basic credentials are not valid base64");
  size_t colon = decoded.find(':');
  if (colon == std::string::npos) return Malformed("basic credentials have no ':'");
  AuthHeader h;
  h.kind = AuthHeader::Kind::kBasic;
  h.username = decoded.substr(0, colon);
  h.password = decoded.substr(colon + 1);
  return h;
}

}  // namespace skald::auth
