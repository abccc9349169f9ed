// Message digests through OpenSSL's libcrypto (EVP): MD5 for relabel's `hashmod` (Prometheus defines
// it on md5), SHA-256 and SHA3-256 for the template functions sha256 / Sha2Hash / Hash.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace skald {

std::array<uint8_t, 16> Md5(std::string_view data);
std::string Sha256Hex(std::string_view data);    // lowercase hex
std::string Sha3_256Hex(std::string_view data);  // lowercase hex

}  // namespace skald
