// EditedLabels: a stream's shared label set plus the edits made to it (set or remove by name).
// Pipelines mostly add a label or two per line; keeping the edits apart spares a copy of the
// stream's labels per line and lets the collector find a line's client stream by comparing the
// few edits instead of whole label sets. The full LabelSet is built on demand and cached.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes_equal.h"
#include "common/labels.h"

namespace skald {

class EditedLabels {
 public:
  EditedLabels() = default;
  explicit EditedLabels(LabelSet labels) { *this = std::move(labels); }
  // Starts over from `labels` (a new shared base, no edits).
  EditedLabels& operator=(LabelSet labels);
  // Starts over from a shared base without copying it (null = empty set).
  void Reset(const std::shared_ptr<const LabelSet>& base);

  std::optional<std::string_view> Get(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }
  // Sets (or with an empty value, removes) a label.
  void Set(std::string_view name, std::string_view value) {
    // The per-line common case, inline: a reused entry gets the edit its next slot already holds.
    if (n_edits_ < edits_.size() && !set_valid_ && BytesEqual(edits_[n_edits_].name, name) &&
        BytesEqual(edits_[n_edits_].value, value) && !IsLive(name)) {
      ++n_edits_;  // unchanged slot content: version() decides by the count
      return;
    }
    SetSlow(name, value);
  }
  void Erase(std::string_view name) { Set(name, ""); }

  // The resulting label set (built once per change).
  const LabelSet& set() const;
  operator const LabelSet&() const { return set(); }  // NOLINT: reads as the LabelSet it is
  std::string ToString() const { return set().ToString(); }
  size_t size() const { return set().size(); }
  auto begin() const { return set().begin(); }
  auto end() const { return set().end(); }
  bool operator==(const LabelSet& o) const { return set() == o; }

  // The shared base (may be null) and the edits applied to it: one entry per name, in first-set
  // order, an empty value meaning "removed". Equal (base, edits) pairs give equal label sets.
  const std::shared_ptr<const LabelSet>& base() const { return base_; }
  const Label* edits_begin() const { return edits_.data(); }
  const Label* edits_end() const { return edits_.data() + n_edits_; }
  size_t edit_count() const { return n_edits_; }
  // For caches keyed by base + edits: a hash of the edits (weak: compare on a hit), the edits as
  // one byte string (equal strings, equal edits), and whether the edits are those of `packed`.
  uint64_t EditsHash() const;
  void PackEdits(std::string* out) const;
  bool EditsEqual(std::string_view packed) const;
  // An id of the current base + edits, unique in the process: equal ids mean equal label sets.
  // A reused object that is given the same edits line after line (the common case: the same
  // stages set the same level) keeps its id, so a cache can be checked without comparing.
  uint64_t version() const;

 private:
  void SetSlow(std::string_view name, std::string_view value);
  bool IsLive(std::string_view name) const {
    for (size_t i = 0; i < n_edits_; ++i)
      if (BytesEqual(edits_[i].name, name)) return true;
    return false;
  }

  std::shared_ptr<const LabelSet> base_;
  std::vector<Label> edits_;  // first n_edits_ are live; the rest keep their strings' capacity
  size_t n_edits_ = 0;
  mutable LabelSet set_;
  mutable bool set_valid_ = false;
  // version(): the id of the snapshot (base + the first snap_n_ edits as their slots held them),
  // and whether anything may differ from it since (sticky until the next snapshot).
  mutable uint64_t version_ = 0;
  mutable size_t snap_n_ = 0;
  mutable bool changed_ = true;
};

}  // namespace skald
