// Loki's three deletion modes by name; the one parser the config file and runtime overrides share.
#include "store/retention/deletion_mode.h"

namespace skald::retention {
namespace {

constexpr struct {
  DeletionMode mode;
  std::string_view name;
} kModes[] = {{DeletionMode::kDisabled, "disabled"},
              {DeletionMode::kFilterOnly, "filter-only"},
              {DeletionMode::kFilterAndDelete, "filter-and-delete"}};

}  // namespace

Result<DeletionMode> ParseDeletionMode(std::string_view text) {
  for (const auto& m : kModes)
    if (m.name == text) return m.mode;
  return Status::Invalid("unknown deletion mode \"" + std::string(text) +
                         "\": want disabled, filter-only or filter-and-delete");
}

std::string_view DeletionModeName(DeletionMode m) {
  for (const auto& k : kModes)
    if (k.mode == m) return k.name;
  return "filter-and-delete";
}

}  // namespace skald::retention
