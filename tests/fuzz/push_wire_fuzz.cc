// FUZZ_LINK: skald_store_ingest
// Differential libFuzzer target: whenever the direct PushRequest decoder (store/ingest/push_wire.h)
// accepts bytes, libprotobuf must parse them too and yield the same streams, entries and metadata.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "push.pb.h"
#include "store/ingest/protobuf_log.h"
#include "store/ingest/push_wire.h"

using namespace skald;
using namespace skald::ingest;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  InstallProtobufLogHandler();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::vector<WireStream> got;
  if (!DecodePushWire(bytes, &got)) return 0;
  logproto::PushRequest req;
  if (!req.ParseFromArray(data, static_cast<int>(size))) abort();   // we accepted what it refuses
  if (static_cast<size_t>(req.streams_size()) != got.size()) abort();
  for (size_t i = 0; i < got.size(); ++i) {
    const auto& s = req.streams(static_cast<int>(i));
    if (s.labels() != got[i].first || static_cast<size_t>(s.entries_size()) != got[i].second.size()) abort();
    for (size_t j = 0; j < got[i].second.size(); ++j) {
      const auto& e = s.entries(static_cast<int>(j));
      const LogEntry& g = got[i].second[j];
      if (g.ts_ns != TimestampNs(e.timestamp().seconds(), e.timestamp().nanos()) || g.line != e.line()) abort();
      if (static_cast<size_t>(e.structuredmetadata_size()) != g.metadata.size()) abort();
      for (size_t k = 0; k < g.metadata.size(); ++k) {
        const auto& m = e.structuredmetadata(static_cast<int>(k));
        if (m.name() != g.metadata[k].name || m.value() != g.metadata[k].value) abort();
      }
    }
  }
  return 0;
}
