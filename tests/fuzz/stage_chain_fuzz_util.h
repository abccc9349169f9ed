// Shared by the stage-chain fuzzers (line_stages, stage_fusion): run a chain on a borrowed line,
// and abort unless two runs of the same line produced the same entry.
#pragma once

#include <cstdlib>
#include <memory>
#include <string_view>

#include "collector/pipeline/stages/stage_chain.h"

namespace skald::fuzz {

// The line stays borrowed through the stages (an overread of the fuzzer's buffer is an ASan report),
// then the entry takes its own copy so it outlives the input.
inline pipeline::Entry RunChain(pipeline::StageChain& chain, std::string_view line,
                                const std::shared_ptr<const LabelSet>& base) {
  pipeline::Entry e;
  e.Reset(base, 7, line);
  chain.ProcessInPlace(e);
  e.line.Own();
  return e;
}

// Labels, line, metadata, timestamp and the drop decision must all agree.
inline void AbortUnlessSame(const pipeline::Entry& a, const pipeline::Entry& b) {
  if (a.labels.ToString() != b.labels.ToString() || !(a.line == b.line.view()) || a.metadata != b.metadata ||
      a.ts_ns != b.ts_ns || a.dropped != b.dropped)
    std::abort();
}

}  // namespace skald::fuzz
