// SHA3-256 (FIPS 202, Keccak-f[1600]) for Promtail's `Hash` template function, which hashes
// salt+input with Go's sha3.Sum256; no library here provides SHA-3.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace skald::gotemplate::internal {

std::array<uint8_t, 32> Sha3_256(std::string_view data);
// Lower-case hex of Sha3_256(data) (Go's hex.EncodeToString).
std::string Sha3_256Hex(std::string_view data);

}  // namespace skald::gotemplate::internal
