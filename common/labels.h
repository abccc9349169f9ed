// LabelSet: a stream's identity, sorted by name, printed and parsed in Prometheus text form
// `{a="b", c="d"}` with Go quoting; the fingerprint is a stable 64-bit hash of the sorted pairs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace skald {

struct Label {
  std::string name;
  std::string value;
  bool operator==(const Label&) const = default;
  auto operator<=>(const Label&) const = default;
};

class LabelSet {
 public:
  LabelSet() = default;
  // Sorts by name; on duplicate names the last one wins. Empty values are dropped (as Loki does).
  explicit LabelSet(std::vector<Label> labels);

  // Parses `{a="b", c="d"}` (Go-quoted values; also `'..'` and backtick strings). Error messages
  // follow Loki's `couldn't parse labels` style detail. Duplicate names are an error.
  static Result<LabelSet> Parse(std::string_view text);

  // `{a="b", c="d"}`; `{}` when empty.
  std::string ToString() const;
  uint64_t Fingerprint() const;

  std::optional<std::string_view> Get(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }
  // Sets (or with an empty value, removes) a label, keeping the order.
  void Set(std::string_view name, std::string_view value);
  void Erase(std::string_view name);

  const std::vector<Label>& labels() const { return labels_; }
  size_t size() const { return labels_.size(); }
  bool empty() const { return labels_.empty(); }
  auto begin() const { return labels_.begin(); }
  auto end() const { return labels_.end(); }

  bool operator==(const LabelSet&) const = default;
  bool operator<(const LabelSet& o) const { return labels_ < o.labels_; }

 private:
  std::vector<Label> labels_;
};

// True for names matching [a-zA-Z_][a-zA-Z0-9_]*.
bool IsValidLabelName(std::string_view name);

// Go's strconv.Quote for UTF-8 text: `"` + escaped + `"`. Invalid UTF-8 bytes become \x.. escapes.
std::string GoQuote(std::string_view s);
// Unquotes a Go string literal ("..", '..' treated like "..", or `..`); error on bad escapes.
Result<std::string> GoUnquote(std::string_view quoted);

// 64-bit FNV-1a over bytes; stable across runs and platforms (used for fingerprints and hashmod).
uint64_t Fnv1a64(std::string_view data, uint64_t seed = 14695981039346656037ULL);

}  // namespace skald
