// FUZZ_LINK: skald_store_shipper
// libFuzzer target for delete-request objects read from the bucket (`deletes/<tenant>/<id>.json`,
// store/shipper/FORMAT.md): any bytes decode or fail with a Status, and what decodes re-encodes to
// an object that decodes to the same request.
#include <cstdint>
#include <string>

#include "store/shipper/bucket_deletes.h"

using namespace skald;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string in(reinterpret_cast<const char*>(data), size);
  auto r = shipper::BucketDeletes::Decode(in);
  if (!r.ok()) return 0;
  auto again = shipper::BucketDeletes::Decode(shipper::BucketDeletes::Encode(*r));
  if (!again.ok()) __builtin_trap();
  if (again->id != r->id || again->tenant != r->tenant || again->query != r->query || again->start_ns != r->start_ns ||
      again->end_ns != r->end_ns || again->created_ns != r->created_ns || again->status != r->status)
    __builtin_trap();
  return 0;
}
