// The Authorization request header (RFC 9110 §11.6.2): Basic (RFC 7617, base64 user:password)
// and Bearer (RFC 6750) credentials, parsed without ever logging or keeping more than needed.
#pragma once

#include <string>
#include <string_view>

namespace skald::auth {

struct AuthHeader {
  enum class Kind { kNone, kBasic, kBearer, kMalformed };
  Kind kind = Kind::kNone;
  std::string username;  // kBasic
  std::string password;  // kBasic
  std::string token;     // kBearer
  std::string problem;   // kMalformed: why (never contains the secret)
};

// `value` is the header's value ("" when absent). Scheme names are case-insensitive; one space
// (or more) separates scheme and credentials; the base64 must be canonical padding-wise.
AuthHeader ParseAuthorization(std::string_view value);

// Standard base64 (RFC 4648 §4) with padding; false on any other character or a bad length.
bool DecodeBase64(std::string_view in, std::string* out);

}  // namespace skald::auth
