// CRC32C (Castagnoli) over bytes: SSE4.2 instruction when the CPU has it, a table otherwise.
// Used for every record of the WAL and every block of a chunk file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace skald::fs {

// Extends `crc` (0 to start) over data.
uint32_t Crc32cExtend(uint32_t crc, const char* data, size_t n);
inline uint32_t Crc32c(std::string_view s) { return Crc32cExtend(0, s.data(), s.size()); }

}  // namespace skald::fs
