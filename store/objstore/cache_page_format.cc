// Page file encoding and checks: see cache_page_format.h and FORMAT.md.
#include "store/objstore/cache_page_format.h"

#include <cstring>

#include "store/fs/coding.h"
#include "store/fs/crc32c.h"

namespace skald::objstore {

namespace {
constexpr char kMagic[4] = {'S', 'K', 'P', 'G'};
}

std::string EncodePage(std::string_view payload, bool eof, uint32_t page_size) {
  std::string out;
  out.reserve(kPageHeaderSize + payload.size());
  out.push_back('\0');  // byte 0 reserved
  out.append(kMagic, 4);
  out.push_back(static_cast<char>(kPageVersion));
  out.push_back(static_cast<char>(eof ? kPageFlagEof : 0));
  out.push_back('\0');
  fs::PutFixed32(out, page_size);
  fs::PutFixed32(out, static_cast<uint32_t>(payload.size()));
  uint32_t crc = fs::Crc32cExtend(0, out.data(), out.size());
  crc = fs::Crc32cExtend(crc, payload.data(), payload.size());
  fs::PutFixed32(out, crc);
  out.append(payload);
  return out;
}

Result<PageHeader> DecodePageHeader(std::string_view header) {
  if (header.size() < kPageHeaderSize) return Status::Corruption("page file shorter than its header");
  if (header[0] != '\0' || std::memcmp(header.data() + 1, kMagic, 4) != 0) {
    return Status::Corruption("page file: bad magic");
  }
  if (static_cast<uint8_t>(header[5]) != kPageVersion) return Status::Corruption("page file: unknown version");
  PageHeader h;
  h.flags = static_cast<uint8_t>(header[6]);
  h.page_size = fs::DecodeFixed32(header.data() + 8);
  h.length = fs::DecodeFixed32(header.data() + 12);
  h.crc = fs::DecodeFixed32(header.data() + 16);
  if (h.length > h.page_size) return Status::Corruption("page file: length over the page size");
  return h;
}

Status DecodePage(std::string_view file, std::string* payload, PageHeader* header) {
  auto h = DecodePageHeader(file);
  if (!h.ok()) return h.status();
  if (file.size() - kPageHeaderSize != h->length) return Status::Corruption("page file: torn (length mismatch)");
  uint32_t crc = fs::Crc32cExtend(0, file.data(), 16);
  crc = fs::Crc32cExtend(crc, file.data() + kPageHeaderSize, h->length);
  if (crc != h->crc) return Status::Corruption("page file: CRC mismatch");
  payload->assign(file.substr(kPageHeaderSize));
  *header = *h;
  return Status::Ok();
}

}  // namespace skald::objstore
