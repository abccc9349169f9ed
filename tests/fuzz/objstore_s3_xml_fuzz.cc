// FUZZ_LINK: skald_store_objstore
// libFuzzer target for S3's XML responses (ListObjectsV2 pages, <Error> bodies, UploadId) and the
// cache's page file decoder: any bytes parse or fail with a Status; what parses keeps its invariants.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "store/objstore/cache_page_format.h"
#include "store/objstore/s3_xml.h"

using namespace skald::objstore;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto page = ParseListObjectsV2(text);
  if (page.ok()) {
    for (const auto& o : page->objects)
      if (o.key.empty()) std::abort();
    if (page->truncated && page->next_continuation_token.empty()) std::abort();
  }
  S3Error e;
  (void)ParseS3Error(text, &e);
  auto id = ParseUploadId(text);
  if (id.ok() && id->empty()) std::abort();
  // XmlEscape's output is always valid element text.
  S3Error round;
  if (!ParseS3Error("<Error><Code>" + XmlEscape(e.code) + "</Code></Error>", &round)) std::abort();
  std::string payload;
  PageHeader h;
  if (DecodePage(text, &payload, &h).ok()) {
    if (payload.size() != h.length || h.length > h.page_size) std::abort();
    std::string again;
    PageHeader h2;
    if (!DecodePage(EncodePage(payload, (h.flags & kPageFlagEof) != 0, h.page_size), &again, &h2).ok() ||
        again != payload)
      std::abort();
  }
  return 0;
}
