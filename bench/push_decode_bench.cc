// Push body decoding benchmark (the store's push hot path before validation): protobuf+snappy
// bodies of ~1 MiB of lines, decoded by the direct wire decoder and, alternating, by libprotobuf
// (the same bodies with one unknown trailing field, which the direct decoder leaves to it).
// Usage: bench_push_decode_bench [--corpus FILE] [--mb 100] [--rounds 5]
//   FILE: "<stream> <line>" per line (tools/sidebyside's corpus); none = bench/workload.h.
#include <snappy.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "bench/workload.h"
#include "push.pb.h"
#include "store/ingest/push_decoder.h"

using namespace skald;
using skald::bench::Arg;
using skald::bench::CpuSeconds;

namespace {

struct Bodies {
  std::vector<std::string> plain, unusual;   // snappy bodies; `unusual` has an extra field 15
  size_t lines = 0, raw = 0;
};

void Flush(std::map<std::string, std::vector<std::string>>& batch, int64_t* ts, Bodies* out) {
  logproto::PushRequest req;
  for (auto& [stream, lines] : batch) {
    auto* s = req.add_streams();
    s->set_labels("{job=\"bench\", stream=\"" + stream + "\"}");
    for (auto& l : lines) {
      auto* e = s->add_entries();
      e->mutable_timestamp()->set_seconds(*ts / 1000000000);
      e->mutable_timestamp()->set_nanos(static_cast<int32_t>(*ts % 1000000000));
      *ts += 1000;
      e->set_line(std::move(l));
    }
  }
  batch.clear();
  std::string raw = req.SerializeAsString(), body;
  snappy::Compress(raw.data(), raw.size(), &body);
  out->plain.push_back(body);
  raw += std::string("\x7a\x01x", 3);   // field 15, length 1: unknown to the direct decoder
  body.clear();
  snappy::Compress(raw.data(), raw.size(), &body);
  out->unusual.push_back(body);
}

Bodies Load(const char* corpus, size_t max_bytes) {
  Bodies out;
  std::map<std::string, std::vector<std::string>> batch;
  size_t batch_bytes = 0;
  int64_t ts = 1700000000000000000LL;
  auto add = [&](std::string stream, std::string line) {
    batch_bytes += line.size();
    out.raw += line.size();
    out.lines++;
    batch[stream].push_back(std::move(line));
    if (batch_bytes >= (1u << 20)) Flush(batch, &ts, &out), batch_bytes = 0;
  };
  if (corpus[0] != '\0') {
    std::ifstream in(corpus);
    std::string l;
    while (out.raw < max_bytes && std::getline(in, l)) {
      size_t sp = l.find(' ');
      if (sp != std::string::npos) add(l.substr(0, sp), l.substr(sp + 1));
    }
  } else {
    bench::Workload w;
    while (out.raw < max_bytes)
      for (auto& s : w.NextBatch(1 << 20))
        for (auto& e : s.entries) add(s.labels.ToString().substr(0, 40), std::move(e.line));
  }
  if (!batch.empty()) Flush(batch, &ts, &out);
  return out;
}

double DecodeAll(const std::vector<std::string>& bodies, size_t* lines) {
  double t0 = CpuSeconds();
  for (const auto& b : bodies) {
    auto r = ingest::DecodeProtobufPush(b, 100 << 20);
    if (!r.ok()) std::abort();
    for (const auto& s : *r) *lines += s.entries.size();
  }
  return CpuSeconds() - t0;
}

}  // namespace

int main(int argc, char** argv) {
  const char* corpus = Arg(argc, argv, "--corpus", "");
  const size_t mb = static_cast<size_t>(std::atoll(Arg(argc, argv, "--mb", "100")));
  const int rounds = std::atoi(Arg(argc, argv, "--rounds", "5"));
  Bodies b = Load(corpus, mb << 20);
  std::printf("corpus=%s bodies=%zu lines=%zu raw_MB=%.1f\n", corpus[0] ? corpus : "(workload.h)", b.plain.size(),
              b.lines, static_cast<double>(b.raw) / 1e6);
  double best_direct = 1e9, best_lib = 1e9;
  for (int r = 0; r < rounds; ++r) {   // alternating, best of each: the machine is noisy
    size_t n1 = 0, n2 = 0;
    best_direct = std::min(best_direct, DecodeAll(b.plain, &n1));
    best_lib = std::min(best_lib, DecodeAll(b.unusual, &n2));
    if (n1 != b.lines || n2 != b.lines) std::abort();
  }
  const double mbr = static_cast<double>(b.raw) / 1e6;
  std::printf("direct      lines_per_cpu_s=%.0f MB_per_cpu_s=%.0f\n", b.lines / best_direct, mbr / best_direct);
  std::printf("libprotobuf lines_per_cpu_s=%.0f MB_per_cpu_s=%.0f\n", b.lines / best_lib, mbr / best_lib);
  std::printf("direct / libprotobuf speed: %.2fx  peak_rss_kb=%ld\n", best_lib / best_direct, bench::PeakRssKb());
  return 0;
}
