// FUZZ_LINK: skald_store_ingest
// libFuzzer target for push body decoding: any bytes as protobuf (raw and snappy-wrapped), JSON,
// legacy JSON or gzip/deflate must decode or fail with a 400/413 status, never crash; decoded
// streams then go through the validator, whose output must hold only valid label sets. libprotobuf's
// log goes through the store's handler (invalid UTF-8 would otherwise print a line per input).
#include <snappy.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "store/ingest/protobuf_log.h"
#include "store/ingest/push_decoder.h"
#include "store/ingest/validator.h"

using namespace skald;
using namespace skald::ingest;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  InstallProtobufLogHandler();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  uint8_t mode = data[0];
  std::string body(reinterpret_cast<const char*>(data + 1), size - 1);
  PushBodyInfo info;
  info.max_decoded_bytes = 1 << 20;
  switch (mode % 6) {
    case 0: info.content_type = "application/x-protobuf"; break;
    case 1: {  // snappy-wrap the input so the protobuf parser sees it
      std::string wrapped;
      snappy::Compress(body.data(), body.size(), &wrapped);
      body.swap(wrapped);
      break;
    }
    case 2: info.content_type = "application/json"; break;
    case 3: info.content_type = "application/json"; info.legacy = true; break;
    case 4: info.content_type = "application/json"; info.content_encoding = "gzip"; break;
    case 5: info.content_type = "application/json"; info.content_encoding = "deflate"; break;
  }
  auto r = DecodePushBody(body, info);
  if (!r.ok()) {
    Code c = r.status().code();
    if (c != Code::kInvalidArgument && c != Code::kTooLarge) abort();
    return 0;
  }
  LimitsConfig limits;
  PushMetrics metrics;
  Validator v(limits, &metrics);
  auto out = v.Validate("fuzz", std::move(*r), 1700000000000000000);
  for (const auto& s : out.streams) {
    if (s.stream.labels.empty() || s.stream.entries.empty()) abort();
    for (const auto& l : s.stream.labels)
      if (!IsValidLabelName(l.name) || l.value.empty()) abort();
  }
  return 0;
}
