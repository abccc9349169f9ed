// Chunk codec benchmark (ingester.chunk_encoding): cuts per-stream 256 KiB blocks from a corpus the
// way the head does and, per codec, reports compressed ÷ raw line bytes, sealing and decoding MB
// (raw line bytes) per CPU-second, and the sizes-only decode counting queries use.
// Usage: bench_chunk_codec_bench [--corpus FILE] [--mb 200] [--block-kib 256]
//   FILE: one entry a line, "<stream> <line>" (tools/sidebyside's corpus); none = bench/workload.h.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "bench/workload.h"
#include "store/chunk/block.h"

using namespace skald;
using skald::bench::Arg;
using skald::bench::CpuSeconds;

namespace {

struct Block {
  std::vector<std::string> lines;
  std::vector<int64_t> ts;
  size_t bytes = 0;
  std::vector<chunk::EntryRef> Refs() const {
    std::vector<chunk::EntryRef> r(lines.size());
    for (size_t i = 0; i < lines.size(); ++i) r[i] = {ts[i], lines[i], nullptr};
    return r;
  }
};

// Streams fill blocks of block_bytes; timestamps 1 ms apart per stream, as a steady container.
class Blocks {
 public:
  explicit Blocks(size_t block_bytes) : block_bytes_(block_bytes) {}
  void Add(const std::string& stream, std::string line) {
    Block& b = open_[stream];
    b.ts.push_back(1700000000000000000LL + static_cast<int64_t>(b.ts.size() + done_[stream]) * 1000000);
    b.bytes += line.size();
    raw_ += line.size();
    b.lines.push_back(std::move(line));
    if (b.bytes >= block_bytes_) {
      done_[stream] += b.lines.size();
      all_.push_back(std::move(b));
      b = Block{};
    }
  }
  std::vector<Block>& Finish() {
    for (auto& [s, b] : open_)
      if (!b.lines.empty()) all_.push_back(std::move(b));
    open_.clear();
    return all_;
  }
  size_t raw() const { return raw_; }

 private:
  size_t block_bytes_, raw_ = 0;
  std::map<std::string, Block> open_;
  std::map<std::string, size_t> done_;
  std::vector<Block> all_;
};

void Load(Blocks& out, const char* corpus, size_t max_bytes) {
  if (corpus[0] != '\0') {
    std::ifstream in(corpus);
    std::string l;
    while (out.raw() < max_bytes && std::getline(in, l)) {
      size_t sp = l.find(' ');
      if (sp == std::string::npos) continue;
      out.Add(l.substr(0, sp), l.substr(sp + 1));
    }
    return;
  }
  bench::Workload w;
  while (out.raw() < max_bytes)
    for (auto& s : w.NextBatch(1 << 20))
      for (auto& e : s.entries) out.Add(s.labels.ToString(), std::move(e.line));
}

void Run(const std::vector<Block>& blocks, size_t raw, const char* name, chunk::BlockEncoding enc) {
  std::vector<std::vector<chunk::EntryRef>> refs;
  for (const auto& b : blocks) refs.push_back(b.Refs());
  double t0 = CpuSeconds();
  std::vector<chunk::BlockPtr> built;
  size_t comp = 0;
  for (const auto& r : refs) {
    built.push_back(chunk::BuildBlock(r, enc));
    comp += built.back()->data.size();
  }
  double t_seal = CpuSeconds() - t0;
  t0 = CpuSeconds();
  size_t check = 0;
  for (const auto& b : built) {
    chunk::DecodedBlock d;
    if (!d.Decode(b->meta, b->data).ok()) std::abort();
    check += d.size();
  }
  double t_dec = CpuSeconds() - t0;
  t0 = CpuSeconds();
  for (const auto& b : built) {
    chunk::BlockSizes sz;
    if (!chunk::DecodeBlockSizes(b->meta, b->data, &sz).ok()) std::abort();
    check += sz.ts.size();
  }
  double t_sizes = CpuSeconds() - t0;
  const double mb = static_cast<double>(raw) / 1e6;
  std::printf("%-9s ratio=%.4f seal_MB_per_cpu_s=%.0f decode_MB_per_cpu_s=%.0f sizes_MB_per_cpu_s=%.0f (%zu)\n",
              name, static_cast<double>(comp) / static_cast<double>(raw), mb / t_seal, mb / t_dec, mb / t_sizes,
              check);
}

}  // namespace

int main(int argc, char** argv) {
  const char* corpus = Arg(argc, argv, "--corpus", "");
  const size_t mb = static_cast<size_t>(std::atoll(Arg(argc, argv, "--mb", "200")));
  const size_t block = static_cast<size_t>(std::atoll(Arg(argc, argv, "--block-kib", "256"))) << 10;
  Blocks b(block);
  Load(b, corpus, mb << 20);
  const size_t raw = b.raw();
  std::vector<Block>& blocks = b.Finish();
  std::printf("corpus=%s raw_MB=%.1f blocks=%zu block_kib=%zu\n", corpus[0] ? corpus : "(workload.h)",
              static_cast<double>(raw) / 1e6, blocks.size(), block >> 10);
  Run(blocks, raw, "zstd-1", {chunk::Codec::kZstd, 1});
  Run(blocks, raw, "zstd-3", {chunk::Codec::kZstd, 3});
  Run(blocks, raw, "zstd-9", {chunk::Codec::kZstd, 9});
  Run(blocks, raw, "lz4", {chunk::Codec::kLz4, 0});
  Run(blocks, raw, "lz4hc-3", {chunk::Codec::kLz4, 3});
  Run(blocks, raw, "lz4hc-9", {chunk::Codec::kLz4, 9});
  Run(blocks, raw, "snappy", {chunk::Codec::kSnappy, 0});
  Run(blocks, raw, "gzip-6", {chunk::Codec::kGzip, 6});
  Run(blocks, raw, "none", {chunk::Codec::kNone, 0});
  return 0;
}
