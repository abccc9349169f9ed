// MergeIterator: k-way merge of a stream's time-sorted runs into one EntryIterator over [start, end),
// forward or backward, dropping exact duplicates (same ts and line) and loading runs lazily.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "store/head/entry_source.h"
#include "store/head/store_reader.h"

namespace skald::head {

// `sources` in arrival order (older first): it breaks ties between equal timestamps.
std::unique_ptr<EntryIterator> NewMergeIterator(std::vector<std::unique_ptr<EntrySource>> sources,
                                                int64_t start, int64_t end, Direction dir);
// An iterator that yields nothing and reports `st`.
std::unique_ptr<EntryIterator> NewErrorIterator(Status st);

}  // namespace skald::head
