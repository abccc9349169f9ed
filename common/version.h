// Skald's version, printed by -version and exported as skald_build_info.
// One place to bump on release; the Loki/Promtail version it is compatible with beside it.
#pragma once

namespace skald {
inline constexpr const char* kVersion = "0.1.0";
inline constexpr const char* kCompatibleWith = "Loki/Promtail 2.9";
}  // namespace skald
