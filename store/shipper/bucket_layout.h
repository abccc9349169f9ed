// BucketLayout: the object keys Skald writes to a bucket (store/shipper/FORMAT.md): shipped chunk
// segments and the index objects that point into them, named so that no two nodes ever collide.
#pragma once

#include <cstdint>
#include <string>

namespace skald::shipper {

inline constexpr const char* kChunksPrefix = "chunks/";
inline constexpr const char* kIndexPrefix = "index/";
inline constexpr const char* kDeletesPrefix = "deletes/";   // delete requests (bucket_deletes.h)

// A node id as it may appear in a key: bytes outside [A-Za-z0-9_] become '_' (no '-', which
// separates the fields of a shipped file's name).
std::string SanitizeNodeId(const std::string& node);

// The chunks-root-relative name a local segment `<tenant>/<day>/<seq>.skc` gets in the bucket:
// `<tenant>/<day>/<node>-<ship_ns>-<seq>.skc`. The object key is kChunksPrefix + that name.
std::string ShippedFileName(const std::string& local_rel, const std::string& node, int64_t ship_ns);
// True for a name made by ShippedFileName (its basename holds a '-'); local segments are digits.
bool IsShippedFile(const std::string& rel);
// "<tenant>/<day>/..." → "<day>" ("" when the name has no day part).
std::string DayOfFile(const std::string& rel);

// The index object describing one shipped segment: `index/<day>/<node>-<ship_ns>-<tenant>-<seq>.sqlite`.
std::string SegmentIndexKey(const std::string& shipped_rel);
// The day's compacted index (store/shipper/index_compactor.*): `index/<day>/compacted-<ns>.sqlite`.
std::string CompactedIndexKey(const std::string& day, int64_t ns);
// "index/<day>/<name>" → "<day>" ("" when the key is not an index object).
std::string DayOfIndexKey(const std::string& key);
bool IsCompactedIndexKey(const std::string& key);

}  // namespace skald::shipper
