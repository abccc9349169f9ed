// The ObjectCache's page file format (FORMAT.md): a 20-byte header (magic, version, flags, page
// size, length, CRC-32C) and the page bytes, so a torn or foreign file is never served.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace skald::objstore {

inline constexpr size_t kPageHeaderSize = 20;
inline constexpr uint8_t kPageVersion = 1;
inline constexpr uint8_t kPageFlagEof = 1;  // the object ends within (or right after) this page

struct PageHeader {
  uint8_t flags = 0;
  uint32_t page_size = 0;
  uint32_t length = 0;
  uint32_t crc = 0;  // CRC-32C of header bytes [0,16) then the payload
};

std::string EncodePage(std::string_view payload, bool eof, uint32_t page_size);
// Checks magic, version and that the header fits; Corruption otherwise.
Result<PageHeader> DecodePageHeader(std::string_view header);
// The whole file: header checks plus length == file size - header and the CRC.
Status DecodePage(std::string_view file, std::string* payload, PageHeader* header);

}  // namespace skald::objstore
