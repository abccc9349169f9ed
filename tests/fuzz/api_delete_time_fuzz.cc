// FUZZ_LINK: skald_store_api
// libFuzzer target for the delete API's `start`/`end` parameters (unix seconds or RFC3339), and the
// query API's start/end/time (ParseLokiTime): any string must parse or fail with a Status.
#include <cstdint>
#include <string>

#include "common/time_util.h"
#include "store/api/delete_handlers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string v(reinterpret_cast<const char*>(data), size);
  (void)skald::api::ParseDeleteTime(v);
  (void)skald::ParseLokiTime(v);
  return 0;
}
