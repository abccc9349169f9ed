// Loki's validation reasons (metric `reason` label) and message texts, as functions so every
// caller formats them the same way. Texts follow Loki's pkg/validation.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace skald::ingest {

namespace reason {
inline constexpr const char* kInvalidLabels = "invalid_labels";
inline constexpr const char* kMissingLabels = "missing_labels";
inline constexpr const char* kRateLimited = "rate_limited";
inline constexpr const char* kLineTooLong = "line_too_long";
inline constexpr const char* kStreamLimit = "stream_limit";
inline constexpr const char* kStreamRateLimit = "per_stream_rate_limit";
inline constexpr const char* kTooFarBehind = "too_far_behind";
inline constexpr const char* kGreaterThanMaxSampleAge = "greater_than_max_sample_age";
inline constexpr const char* kTooFarInFuture = "too_far_in_future";
inline constexpr const char* kMaxLabelNamesPerSeries = "max_label_names_per_series";
inline constexpr const char* kLabelNameTooLong = "label_name_too_long";
inline constexpr const char* kLabelValueTooLong = "label_value_too_long";
inline constexpr const char* kDuplicateLabelNames = "duplicate_label_names";
inline constexpr const char* kDisallowedStructuredMetadata = "disallowed_structured_metadata";
inline constexpr const char* kStructuredMetadataTooLarge = "structured_metadata_too_large";
inline constexpr const char* kStructuredMetadataTooMany = "structured_metadata_too_many";
}  // namespace reason

inline constexpr const char* kMissingStreamsMsg = "error at least one valid stream is required for ingestion";
inline constexpr const char* kMissingLabelsMsg = "error at least one label pair is required per stream";

std::string TooOldMsg(std::string_view stream, int64_t ts_ns, int64_t oldest_ns);
std::string TooNewMsg(std::string_view stream, int64_t ts_ns);
std::string LineTooLongMsg(int64_t max, std::string_view stream, int64_t len);
std::string TooManyLabelsMsg(std::string_view stream, int64_t n, int64_t limit);
std::string LabelNameTooLongMsg(std::string_view stream, std::string_view name);
std::string LabelValueTooLongMsg(std::string_view stream, std::string_view value);
std::string DuplicateLabelMsg(std::string_view stream, std::string_view name);
std::string DisallowedMetadataMsg(std::string_view stream);
std::string MetadataTooLargeMsg(std::string_view stream, int64_t size, int64_t limit);
std::string MetadataTooManyMsg(std::string_view stream, int64_t n, int64_t limit);
std::string RateLimitedMsg(std::string_view tenant, int64_t limit, int64_t lines, int64_t bytes);
std::string StreamLimitMsg(std::string_view stream, std::string_view tenant);
// One entry's text inside the per-stream 4xx message (ingester style).
std::string StreamRateLimitMsg(int64_t limit_bytes, std::string_view stream, int64_t bytes);
// `entry with timestamp <go time> ignored, reason: '<why>',\n` lines (first `max_listed`) and the
// trailer `user '<t>', total ignored: N out of M for stream: <s>`.
std::string IgnoredEntriesMsg(const std::vector<std::pair<int64_t, std::string>>& failed, size_t max_listed,
                              std::string_view tenant, size_t total, std::string_view stream);
// Go datasize.ByteSize String(): largest binary unit that divides exactly (`3MB`, `1536KB`, `10B`).
std::string ByteSizeString(int64_t bytes);

}  // namespace skald::ingest
