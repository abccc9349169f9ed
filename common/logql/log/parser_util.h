// Helpers shared by the json/logfmt/regexp/pattern parsers: Loki's key sanitisation (invalid
// label-name characters become '_', a leading digit gets a '_' prefix).
#pragma once

#include <string>
#include <string_view>

namespace skald::logql::log {

// Appends the sanitised `key` to *out. `first` applies the leading-digit rule (first path segment).
void AppendSanitizedKey(std::string_view key, bool first, std::string* out);

}  // namespace skald::logql::log
