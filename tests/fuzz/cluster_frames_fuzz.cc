// FUZZ_LINK: skald_store_cluster
// libFuzzer target for the fan-out frame decoder (store/cluster/FORMAT.md), which reads what write
// nodes answer a read node: any bytes, fed whole or split at any point, decode or fail with a
// Status; split and whole feeding agree; what decodes re-encodes to bytes that decode the same.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "store/cluster/frame_format.h"

using namespace skald;
using namespace skald::cluster;

namespace {

struct Recorder : FrameHandler {
  std::string out;   // a canonical re-encoding of what was decoded
  bool ended = false;
  bool OnStream(LabelSet labels) override {
    AppendStream(out, labels);
    return true;
  }
  bool OnEntry(LogEntry e) override {
    AppendEntry(out, e.ts_ns, e.line, e.metadata.empty() ? nullptr : &e.metadata);
    return true;
  }
  void OnEnd(bool more) override {
    AppendEnd(out, more);
    ended = true;
  }
  void OnError(int status, std::string message) override { AppendError(out, status, message); }
};

Status Decode(const std::string& in, size_t split, Recorder* r) {
  FrameDecoder d(r);
  if (split > in.size()) split = in.size();
  Status st = d.Feed(in.data(), split);
  if (st.ok()) st = d.Feed(in.data() + split, in.size() - split);
  if (st.ok()) st = d.Finish();
  return st;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const size_t split = data[0];
  const std::string in(reinterpret_cast<const char*>(data + 1), size - 1);
  Recorder whole, parts;
  Status a = Decode(in, in.size(), &whole);
  Status b = Decode(in, split, &parts);
  if (a.ok() != b.ok()) std::abort();
  if (!a.ok()) return 0;
  if (whole.out != parts.out) std::abort();
  std::string again;
  AppendHeader(again);
  again += whole.out;
  Recorder r2;
  if (!Decode(again, again.size(), &r2).ok() || r2.out != whole.out) std::abort();
  return 0;
}
