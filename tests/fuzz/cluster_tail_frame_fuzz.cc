// FUZZ_LINK: skald_store_cluster
// libFuzzer target for the peer tail frame parser (store/cluster/tail_frame.h): what a write node
// (or anything answering on its address) sends a read node's live tail. Any bytes parse or fail
// with a Status; a parsed frame holds only valid label sets, and parsing is deterministic.
#include <cstdint>
#include <string_view>

#include "store/cluster/tail_frame.h"

using namespace skald;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  auto a = cluster::ParseTailFrame(in);
  auto b = cluster::ParseTailFrame(in);
  if (a.ok() != b.ok()) __builtin_trap();
  if (!a.ok()) return 0;
  if (a->streams.size() != b->streams.size() || a->dropped.size() != b->dropped.size()) __builtin_trap();
  for (size_t i = 0; i < a->streams.size(); ++i) {
    if (a->streams[i].first.ToString() != b->streams[i].first.ToString()) __builtin_trap();
    if (a->streams[i].second.size() != b->streams[i].second.size()) __builtin_trap();
    for (size_t k = 0; k < a->streams[i].second.size(); ++k)
      if (a->streams[i].second[k].ts_ns != b->streams[i].second[k].ts_ns ||
          a->streams[i].second[k].line != b->streams[i].second[k].line)
        __builtin_trap();
  }
  return 0;
}
