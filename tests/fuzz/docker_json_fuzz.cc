// FUZZ_LINK: skald_collector_tail
// libFuzzer target for the json-file record decoder (Docker's container logs, read by the tailer):
// the input's lines are records, decoded once from exact-size buffers (an overread is an ASan
// report) and once with simdjson's padding; both must agree, and partial lines stay under the cap.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "collector/tail/docker_json.h"

using skald::tail::DockerJsonDecoder;
using skald::tail::DockerMessage;

namespace {

struct Outcome {
  bool ok = false, ready = false;
  std::string line;
  int64_t ts_ns = 0;
  int stream = 0;
  bool operator==(const Outcome&) const = default;
};

Outcome Decode(DockerJsonDecoder& d, std::string_view record, size_t padding) {
  std::unique_ptr<char[]> buf(new char[record.size() + padding]);
  if (!record.empty()) std::memcpy(buf.get(), record.data(), record.size());
  if (padding) std::memset(buf.get() + record.size(), 0, padding);
  DockerMessage m;
  auto r = d.Decode(std::string_view(buf.get(), record.size()), record.size() + padding, &m);
  Outcome o;
  o.ok = r.ok();
  if (o.ok && *r) o = {true, true, std::string(m.line), m.ts_ns, static_cast<int>(m.stream)};
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t cap = 8 + data[0] * 4u;  // small caps so the fuzzer reaches the split path
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  DockerJsonDecoder exact, padded;
  exact.set_max_joined_bytes(cap);
  padded.set_max_joined_bytes(cap);
  while (!in.empty()) {
    const size_t nl = in.find('\n');
    const std::string_view record = in.substr(0, nl);
    in.remove_prefix(nl == std::string_view::npos ? in.size() : nl + 1);
    if (!(Decode(exact, record, 0) == Decode(padded, record, 64))) std::abort();
    if (exact.pending_bytes() != padded.pending_bytes() || exact.pending_bytes() >= 2 * cap) std::abort();
  }
  return 0;
}
