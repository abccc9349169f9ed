// AWS Signature Version 4 for S3 requests (HMAC-SHA256 over OpenSSL): canonical request, string to
// sign, signing key and the Authorization header; deterministic given the time, so testable.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace skald::objstore {

// The payload hash S3 accepts for a body that is not hashed up front.
inline constexpr const char* kUnsignedPayload = "UNSIGNED-PAYLOAD";

struct SigV4Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // "" when not using temporary credentials
};

struct SigV4Request {
  std::string method;  // "GET", "PUT", ...
  std::string path;    // decoded path, e.g. "/bucket/a b.txt" (encoded here, '/' kept)
  std::vector<std::pair<std::string, std::string>> query;    // decoded names and values
  std::vector<std::pair<std::string, std::string>> headers;  // must include "host"
  std::string payload_sha256;  // lowercase hex of the body, or kUnsignedPayload
};

struct SigV4Result {
  std::string authorization;      // the Authorization header's value
  std::string signature;          // hex
  std::string canonical_request;  // for tests and debug logs
  std::string string_to_sign;
};

// RFC 3986 percent-encoding as S3 wants it: unreserved characters kept, every other byte %XX
// (uppercase hex); '/' kept unless encode_slash. S3 paths are encoded once (no double encoding).
std::string UriEncode(std::string_view s, bool encode_slash);
// "a=1&b=" with names and values encoded and sorted by name then value: also the URL's query.
std::string CanonicalQuery(const std::vector<std::pair<std::string, std::string>>& query);
// "20130524T000000Z" for a unix time in seconds.
std::string AmzDate(int64_t unix_seconds);

// Signs `req` for S3 in `region` at `amz_date`. Appends x-amz-date, x-amz-content-sha256 and
// (with a session token) x-amz-security-token to req->headers, which the caller then sends with
// the returned Authorization header.
SigV4Result SignV4(SigV4Request* req, const SigV4Credentials& creds, const std::string& region,
                   const std::string& amz_date);

// Lowercase hex of SHA-256 and of HMAC-SHA256 (raw key bytes).
std::string Sha256HexOf(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);  // raw 32 bytes
std::string HexOf(std::string_view bytes);

}  // namespace skald::objstore
