// Units LogQL reads and prints: Go and Prometheus durations, humanize byte sizes, Go float text.
// Shared by the parser (literals), the printer (canonical form) and label filters at run time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace skald::logql {

// Go time.ParseDuration: "1.5h", "300ms", "1h30m", "-2s", units ns us µs ms s m h. Nanoseconds.
std::optional<int64_t> ParseGoDuration(std::string_view s);
// Prometheus model.ParseDuration: "5m", "1d", "2w", "1y", "1h30m", units ms s m h d w y.
std::optional<int64_t> ParsePromDuration(std::string_view s);
// What LogQL accepts for a duration literal or range: Go syntax, else Prometheus syntax.
std::optional<int64_t> ParseLogqlDuration(std::string_view s);
// Go time.Duration.String(): "1h0m0s", "1.5s", "300ms", "0s".
std::string FormatGoDuration(int64_t ns);
// Prometheus model.Duration.String(): "5m", "1h30m", "1d", "0s".
std::string FormatPromDuration(int64_t ns);

// go-humanize ParseBytes: "20MB", "1KiB", "1.5 GB", "42" (case-insensitive units).
std::optional<uint64_t> ParseBytes(std::string_view s);

// Go's strconv.FormatFloat(v, 'g', -1, 64) == fmt.Sprint(v): "10", "1.5", "1e+06", "NaN", "+Inf".
std::string FormatGoFloat(double v);
// Go's strconv.FormatFloat(v, 'f', -1, 64): "1000000", "0.5".
std::string FormatGoFloatF(double v);

}  // namespace skald::logql
