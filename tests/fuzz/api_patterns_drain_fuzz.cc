// FUZZ_LINK: skald_store_api
// libFuzzer target for the /patterns miner on arbitrary log lines: tokenising and clustering must not
// crash, tokens must rebuild the line when none is cut or variable, and no line may be lost.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "store/api/patterns_drain.h"

using namespace skald::api;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 9) return 0;
  int64_t ts0;
  std::memcpy(&ts0, data, sizeof ts0);
  PatternOptions o;
  o.max_tokens = 1 + data[8] % 40;
  o.max_clusters_per_group = 1 + data[8] % 5;
  std::string_view in(reinterpret_cast<const char*>(data + 9), size - 9);
  PatternMiner miner(o);
  int64_t lines = 0;
  while (!in.empty()) {
    size_t nl = in.find('\n');
    std::string_view line = in.substr(0, nl);
    in.remove_prefix(nl == std::string_view::npos ? in.size() : nl + 1);
    auto toks = PatternTokens(line, o.max_tokens);
    std::string joined;
    for (const auto& t : toks) joined += t;
    if (joined.find("<_>") == std::string::npos && joined != line) std::abort();
    (void)DetectLevel(line);
    miner.Add(line, static_cast<int64_t>(static_cast<uint64_t>(ts0) + static_cast<uint64_t>(lines) * 7919u));
    lines++;
  }
  int64_t total = 0;
  for (const auto& p : miner.Patterns()) total += p.total;
  if (total != lines) std::abort();
  return 0;
}
