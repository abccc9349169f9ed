// IpMatcher: address/CIDR/range patterns compared as 16-byte big-endian addresses per family.
#include "common/logql/log/ip_matcher.h"

#include <arpa/inet.h>

#include <cctype>
#include <cstring>

namespace skald::logql::log {

bool IpMatcher::ParseAddr(std::string_view s, Addr* out, bool* v4) {
  if (s.empty() || s.size() > 45) return false;
  char buf[64];
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  out->fill(0);
  if (inet_pton(AF_INET, buf, out->data() + 12) == 1) {
    *v4 = true;
    return true;
  }
  if (inet_pton(AF_INET6, buf, out->data()) == 1) {
    *v4 = false;
    return true;
  }
  return false;
}

Result<IpMatcher> IpMatcher::Make(std::string_view pattern) {
  IpMatcher m;
  auto bad = [&] { return Status::Invalid("invalid ip pattern \"" + std::string(pattern) + "\""); };
  size_t slash = pattern.find('/');
  size_t dash = pattern.find('-');
  if (slash != std::string_view::npos) {
    std::string_view bits_s = pattern.substr(slash + 1);
    if (!ParseAddr(pattern.substr(0, slash), &m.lo_, &m.v4_) || bits_s.empty() || bits_s.size() > 3)
      return bad();
    int bits = 0;
    for (char c : bits_s) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return bad();
      bits = bits * 10 + (c - '0');
    }
    if (bits > (m.v4_ ? 32 : 128)) return bad();
    int total = bits + (m.v4_ ? 96 : 0);
    m.hi_ = m.lo_;
    for (int i = 0; i < 128; ++i) {
      if (i < total) continue;
      m.lo_[i / 8] &= static_cast<uint8_t>(~(0x80 >> (i % 8)));
      m.hi_[i / 8] |= static_cast<uint8_t>(0x80 >> (i % 8));
    }
    return m;
  }
  if (dash != std::string_view::npos) {
    bool v4b = false;
    if (!ParseAddr(pattern.substr(0, dash), &m.lo_, &m.v4_) ||
        !ParseAddr(pattern.substr(dash + 1), &m.hi_, &v4b) || v4b != m.v4_ || m.hi_ < m.lo_)
      return bad();
    return m;
  }
  if (!ParseAddr(pattern, &m.lo_, &m.v4_)) return bad();
  m.hi_ = m.lo_;
  return m;
}

bool IpMatcher::InRange(const Addr& a, bool v4) const {
  return v4 == v4_ && !(a < lo_) && !(hi_ < a);
}

bool IpMatcher::MatchesAddress(std::string_view value) const {
  Addr a;
  bool v4 = false;
  return ParseAddr(value, &a, &v4) && InRange(a, v4);
}

bool IpMatcher::MatchesLine(std::string_view line) const {
  auto is_ip_char = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) || c == '.' || c == ':'; };
  size_t i = 0;
  while (i < line.size()) {
    if (!is_ip_char(line[i])) { ++i; continue; }
    size_t start = i;
    while (i < line.size() && is_ip_char(line[i])) ++i;
    std::string_view tok = line.substr(start, i - start);
    while (!tok.empty() && (tok.back() == '.' || (tok.back() == ':' && !tok.ends_with("::"))))
      tok.remove_suffix(1);
    if (tok.size() < 2) continue;
    if (MatchesAddress(tok)) return true;
    // IPv4 with a port ("10.0.0.1:8080"): the part before the first ':' after a '.'.
    size_t dot = tok.find('.'), colon = tok.find(':');
    if (dot != std::string_view::npos && colon != std::string_view::npos && dot < colon &&
        MatchesAddress(tok.substr(0, colon)))
      return true;
  }
  return false;
}

}  // namespace skald::logql::log
