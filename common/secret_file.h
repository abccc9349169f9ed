// ReadSecretFile: a password or token file's content with surrounding whitespace trimmed (Go's
// strings.TrimSpace), as Prometheus and Promtail read *_file settings; one place for all readers.
#pragma once

#include <string>

#include "common/status.h"

namespace skald {

// IOError `cannot read "<path>": <reason>` when the file cannot be read; callers prefix the key.
Result<std::string> ReadSecretFile(const std::string& path);

}  // namespace skald
