// Chunk summaries and count runs for a stream whose newest part also lives on write nodes: the
// local ones wholly older than the write nodes' window are kept, the rest recounted from merged entries.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "store/head/store_reader.h"

namespace skald::cluster {

// One summary per this many entries when recounting.
inline constexpr int64_t kEntriesPerSummary = 10000;

// Reads `it` to the end: summaries of consecutive groups of entries (forward order expected).
Result<std::vector<ChunkSummary>> SummarizeEntries(EntryIterator& it);

// `local`: the local store's summaries over [start, end). Overlapping summaries form clusters;
// clusters wholly before `cut` are kept, and everything from the first other cluster (or `cut`)
// on is recounted through `merged(lo, end)` (forward entries of the merged stream).
Result<std::vector<ChunkSummary>> CombineSummaries(
    std::vector<ChunkSummary> local, int64_t start, int64_t end, int64_t cut,
    const std::function<std::unique_ptr<EntryIterator>(int64_t lo, int64_t hi)>& merged);

// The same for count runs: the local runs wholly before the window's clusters are kept, and one
// run holds the merged entries from there on (its timestamps and lengths read once, here). Empty
// (the engine then reads Entries) when the local store gave no runs though it has a stream id.
using MergedEntries = std::function<std::unique_ptr<EntryIterator>(int64_t lo, int64_t hi)>;
Result<CountRuns> CombineRuns(CountRuns local, bool has_local, int64_t start, int64_t end, int64_t cut,
                              const MergedEntries& merged);

}  // namespace skald::cluster
