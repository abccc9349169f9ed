// LabelsBuilder: overlay of per-line label changes on the stream's labels and metadata.
#include "common/logql/log/labels_builder.h"

#include "common/logql/log/errors.h"

namespace skald::logql::log {

void LabelsBuilder::Reset(const LabelSet* base, const std::vector<Label>* metadata) {
  base_ = base;
  metadata_ = metadata;
  n_extra_ = 0;
}

LabelsBuilder::Entry* LabelsBuilder::FindExtra(std::string_view name) {
  for (size_t i = 0; i < n_extra_; ++i)
    if (extra_[i].name == name) return &extra_[i];
  return nullptr;
}

const LabelsBuilder::Entry* LabelsBuilder::FindExtra(std::string_view name) const {
  for (size_t i = 0; i < n_extra_; ++i)
    if (extra_[i].name == name) return &extra_[i];
  return nullptr;
}

std::optional<std::string_view> LabelsBuilder::Get(std::string_view name) const {
  if (const Entry* e = FindExtra(name)) {
    if (e->deleted) return std::nullopt;
    return std::string_view(e->value);
  }
  if (metadata_ != nullptr) {
    for (auto it = metadata_->rbegin(); it != metadata_->rend(); ++it)
      if (it->name == name) return std::string_view(it->value);
  }
  if (base_ != nullptr) return base_->Get(name);
  return std::nullopt;
}

bool LabelsBuilder::BaseHas(std::string_view name) const {
  if (metadata_ != nullptr)
    for (const Label& m : *metadata_)
      if (m.name == name) return true;
  return base_ != nullptr && base_->Has(name);
}

void LabelsBuilder::Set(std::string_view name, std::string_view value) {
  if (Entry* e = FindExtra(name)) {
    e->value.assign(value);
    e->deleted = false;
    return;
  }
  if (n_extra_ == extra_.size()) extra_.emplace_back();
  Entry& e = extra_[n_extra_++];
  e.name.assign(name);
  e.value.assign(value);
  e.deleted = false;
}

void LabelsBuilder::SetParsed(std::string_view name, std::string_view value) {
  if (!BaseHas(name)) {
    Set(name, value);
    return;
  }
  scratch_.assign(name).append(kExtractedSuffix);
  Set(scratch_, value);
}

void LabelsBuilder::Del(std::string_view name) {
  if (Entry* e = FindExtra(name)) {
    e->deleted = true;
    e->value.clear();
    return;
  }
  if (!BaseHas(name)) return;
  Set(name, {});
  extra_[n_extra_ - 1].deleted = true;
}

void LabelsBuilder::SetErr(std::string_view err, std::string_view details) {
  Set(kErrorLabel, err);
  if (!details.empty()) Set(kErrorDetailsLabel, details);
}

bool LabelsBuilder::HasErr() const {
  auto v = Get(kErrorLabel);
  return v.has_value() && !v->empty();
}

LabelSet LabelsBuilder::Build() const {
  if (!Changed() && !HasMetadata() && base_ != nullptr) return *base_;
  std::vector<Label> out;
  out.reserve((base_ ? base_->size() : 0) + n_extra_ + (metadata_ ? metadata_->size() : 0));
  ForEach([&](std::string_view n, std::string_view v) {
    out.push_back(Label{std::string(n), std::string(v)});
  });
  return LabelSet(std::move(out));
}

}  // namespace skald::logql::log
