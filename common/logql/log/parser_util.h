// Helpers shared by the json/logfmt/regexp/pattern parsers: Loki's key sanitisation (invalid
// label-name characters become '_', a leading digit gets a '_' prefix).
#pragma once

#include <string>
#include <string_view>

namespace skald::logql::log {

// Appends the sanitised `key` to *out: Unicode spaces trimmed, each rune outside [a-zA-Z0-9_]
// becomes one '_'. `first` applies the leading-digit rule (first path segment).
void AppendSanitizedKey(std::string_view key, bool first, std::string* out);

// Go's bytes.ContainsRune(v, utf8.RuneError): an encoded U+FFFD or invalid UTF-8. Loki's parsers
// replace such values with "" (Prometheus rejects them).
bool ContainsRuneError(std::string_view value);

}  // namespace skald::logql::log
