// LabelsBuilder: the per-line label view (stream labels + structured metadata + labels the stages
// add, rename or delete) that a StreamPipeline reuses for every line without per-line maps.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/labels.h"

namespace skald::logql::log {

// Not thread-safe; one per StreamPipeline. Reset() per line keeps the allocated capacity.
class LabelsBuilder {
 public:
  // `base` (the stream's labels) and `metadata` must outlive the line's processing.
  void Reset(const LabelSet* base, const std::vector<Label>* metadata);

  std::optional<std::string_view> Get(std::string_view name) const;
  // True when the stream labels or the line's structured metadata hold `name`.
  bool BaseHas(std::string_view name) const;
  void Set(std::string_view name, std::string_view value);
  // Sets a label a parser extracted: `name` becomes `name_extracted` if it collides with BaseHas.
  void SetParsed(std::string_view name, std::string_view value);
  void Del(std::string_view name);

  void SetErr(std::string_view err, std::string_view details);
  bool HasErr() const;

  // True when any stage set or deleted a label (the stream's base LabelSet can then not be reused).
  bool Changed() const { return n_extra_ > 0; }
  // Forgets every change since Reset (a stage that parsed optimistically starts again).
  void DropChanges() { n_extra_ = 0; }
  bool HasMetadata() const { return metadata_ != nullptr && !metadata_->empty(); }

  // Calls f(name, value) for every visible label with a non-empty value (unspecified order).
  template <typename F>
  void ForEach(F&& f) const { Visit(false, f); }
  // Also visits labels a stage set to "" (Loki keeps those, e.g. named parser labels; `keep` sees them).
  template <typename F>
  void ForEachWithEmpty(F&& f) const { Visit(true, f); }
  // Visible labels as a LabelSet (sorted, empty values dropped).
  LabelSet Build() const;

 private:
  struct Entry {
    std::string name, value;
    bool deleted = false;
  };
  template <typename F>
  void Visit(bool with_empty, F& f) const;
  Entry* FindExtra(std::string_view name);
  const Entry* FindExtra(std::string_view name) const;

  const LabelSet* base_ = nullptr;
  const std::vector<Label>* metadata_ = nullptr;
  std::vector<Entry> extra_;  // [0, n_extra_) are live; the rest keep their capacity
  size_t n_extra_ = 0;
  std::string scratch_;
};

template <typename F>
void LabelsBuilder::Visit(bool with_empty, F& f) const {
  if (base_ != nullptr) {
    for (const Label& l : *base_) {
      if (FindExtra(l.name) != nullptr) continue;
      bool in_md = false;
      if (metadata_ != nullptr)
        for (const Label& m : *metadata_) in_md |= m.name == l.name;
      if (!in_md && !l.value.empty()) f(std::string_view(l.name), std::string_view(l.value));
    }
  }
  if (metadata_ != nullptr) {
    for (size_t i = 0; i < metadata_->size(); ++i) {
      const Label& m = (*metadata_)[i];
      if (FindExtra(m.name) != nullptr || (m.value.empty() && !with_empty)) continue;
      bool later = false;  // duplicate metadata names: the last one wins
      for (size_t j = i + 1; j < metadata_->size(); ++j) later |= (*metadata_)[j].name == m.name;
      if (!later) f(std::string_view(m.name), std::string_view(m.value));
    }
  }
  for (size_t i = 0; i < n_extra_; ++i) {
    const Entry& e = extra_[i];
    if (!e.deleted && (with_empty || !e.value.empty())) f(std::string_view(e.name), std::string_view(e.value));
  }
}

}  // namespace skald::logql::log
