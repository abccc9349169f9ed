// DeletionMode: Loki's limits_config.deletion_mode (global, and per tenant in runtime overrides),
// deciding whether the delete API answers, whether queries filter, and whether the compactor deletes.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace skald::retention {

enum class DeletionMode {
  kDisabled,         // delete API answers 403; existing requests are neither filtered nor applied
  kFilterOnly,       // requests accepted and filtered at query time; never removed from disk
  kFilterAndDelete,  // Loki's default: filtered at query time, then removed by the compactor
};

// "disabled" | "filter-only" | "filter-and-delete"; anything else is InvalidArgument naming the choices.
Result<DeletionMode> ParseDeletionMode(std::string_view text);
std::string_view DeletionModeName(DeletionMode m);

// Loki's body (HTTP 403) for the delete API of a tenant whose mode is disabled.
inline constexpr std::string_view kDeletionNotAvailable = "deletion is not available for this tenant";

}  // namespace skald::retention
