// IpMatcher: Loki's ip("...") patterns (an address, a CIDR `10.0.0.0/8`, or a range `a-b`, IPv4 or
// IPv6) for line filters (any address token in the line) and label filters (the label's value).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace skald::logql::log {

class IpMatcher {
 public:
  static Result<IpMatcher> Make(std::string_view pattern);

  // The value parses as an address inside the pattern.
  bool MatchesAddress(std::string_view value) const;
  // Some address-looking token of the line (runs of hex digits, '.' and ':') is inside the pattern.
  bool MatchesLine(std::string_view line) const;

 private:
  using Addr = std::array<uint8_t, 16>;
  static bool ParseAddr(std::string_view s, Addr* out, bool* v4);
  bool InRange(const Addr& a, bool v4) const;

  Addr lo_{}, hi_{};
  bool v4_ = true;
};

}  // namespace skald::logql::log
