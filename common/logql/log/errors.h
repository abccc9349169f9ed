// The `__error__` values Loki's per-line pipeline sets (a failing stage marks the line instead of
// failing the query), and the label names that carry them.
#pragma once

#include <string_view>

namespace skald::logql::log {

inline constexpr std::string_view kErrorLabel = "__error__";
inline constexpr std::string_view kErrorDetailsLabel = "__error_details__";
// Set by Loki's query splitting to keep errors through `| drop`; `keep` never removes it either.
inline constexpr std::string_view kPreserveErrorLabel = "__preserve_error__";

inline constexpr std::string_view kErrJson = "JSONParserErr";
inline constexpr std::string_view kErrLogfmt = "LogfmtParserErr";
inline constexpr std::string_view kErrLabelFilter = "LabelFilterErr";
inline constexpr std::string_view kErrTemplateFormat = "TemplateFormatErr";
inline constexpr std::string_view kErrSampleExtraction = "SampleExtractionErr";

// Suffix Loki appends to a parsed key that collides with a stream label.
inline constexpr std::string_view kExtractedSuffix = "_extracted";

}  // namespace skald::logql::log
