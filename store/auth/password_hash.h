// Password and token hashes as stored in the credentials file: crypt(3) strings verified with
// libxcrypt (bcrypt, yescrypt, sha512crypt...) and SHA-256 hex digests of bearer tokens.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace skald::auth {

// Ok when `hash` is a complete crypt(3) string of an accepted method with a bounded cost: bcrypt
// ($2b$, $2y$, $2a$; cost <= 14), yescrypt ($y$), sha512crypt ($6$) or sha256crypt ($5$; rounds
// <= 1000000). DES, MD5, scrypt and anything plain are refused.
Status ValidatePasswordHash(std::string_view hash);

// True when `password` hashes to `hash` (constant-time compare). Costly by design (bcrypt: tens of
// milliseconds): callers cache successes. Thread-safe.
bool VerifyPassword(std::string_view password, const std::string& hash);

// A new crypt(3) hash of `password` with a random salt; `prefix` picks the method ("$2b$",
// "$y$", "$6$"), `cost` 0 = libxcrypt's default. For tests and tooling.
Result<std::string> HashPassword(std::string_view password, const std::string& prefix = "$2b$",
                                 unsigned long cost = 0);

// Ok when `hex` is 64 lowercase hex digits.
Status ValidateTokenSha256(std::string_view hex);
// Lowercase hex SHA-256 of a bearer token, as `printf %s "$TOKEN" | sha256sum` prints it.
std::string TokenSha256(std::string_view token);

// Compares equal-length strings without an early exit.
bool ConstantTimeEqual(std::string_view a, std::string_view b);

}  // namespace skald::auth
