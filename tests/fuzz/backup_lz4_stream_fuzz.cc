// FUZZ_LINK: skald_store_backup
// libFuzzer target for the LZ4 frame reader behind `skald-store import --lz4`: arbitrary bytes fed in
// arbitrary splits must decode or fail with a Status; a compressed copy of the input must round-trip.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "store/backup/lz4_stream.h"

using namespace skald::backup;

namespace {
// Feeds `in` in pieces whose sizes come from `seed`; stops at the first error.
bool Decode(std::string_view in, uint8_t seed, std::string* out) {
  Lz4FrameReader r;
  size_t piece = 1 + seed % 97;
  while (!in.empty()) {
    size_t n = std::min(piece, in.size());
    if (!r.Write(in.substr(0, n), out).ok()) return false;
    in.remove_prefix(n);
    if (out->size() > (64u << 20)) return false;
  }
  return true;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  uint8_t seed = size ? data[0] : 0;
  std::string junk;
  (void)Decode(in, seed, &junk);
  Lz4FrameWriter w;
  std::string frame, plain;
  if (!w.Write(in, &frame).ok() || !w.Finish(&frame).ok()) std::abort();
  if (!Decode(frame, seed, &plain) || plain != in) std::abort();
  return 0;
}
