// line_format, label_format, drop, keep, decolorize and distinct stages.
#include "common/logql/log/formatters.h"

#include <re2/re2.h>

#include "common/logql/log/errors.h"

namespace skald::logql::log {
namespace {

// Template data over the line being processed: labels as they are now, the current line, its time.
class LineTemplateData final : public gotemplate::TemplateData {
 public:
  explicit LineTemplateData(const LineState& s) : s_(s) {}
  std::optional<std::string_view> Label(std::string_view name) const override { return s_.labels.Get(name); }
  std::string_view Line() const override { return s_.line; }
  int64_t TimestampNs() const override { return s_.ts_ns; }

 private:
  const LineState& s_;
};

}  // namespace

Result<LineFormat> LineFormat::Make(std::string_view tmpl) {
  auto t = gotemplate::Template::Parse(tmpl);
  if (!t.ok()) return t.status();
  LineFormat f;
  f.tmpl_ = std::make_shared<const gotemplate::Template>(std::move(*t));
  return f;
}

bool LineFormat::Process(LineState& s) const {
  std::string& out = s.NextBuffer();
  Status st = tmpl_->Execute(LineTemplateData(s), &out);
  if (!st.ok()) {
    s.labels.SetErr(kErrTemplateFormat, st.message());
    return true;  // Loki keeps the line unchanged
  }
  s.line = out;
  return true;
}

Result<LabelFormat> LabelFormat::Make(const std::vector<LabelFormatItem>& items) {
  LabelFormat f;
  for (const auto& it : items) {
    if (it.dst == kErrorLabel) return Status::Invalid(std::string(kErrorLabel) + " cannot be formatted");
    for (const auto& prev : f.items_)
      if (prev.dst == it.dst)
        return Status::Invalid("multiple label name '" + it.dst + "' not allowed in a single format operation");
    Item item{it.dst, it.value, nullptr};
    if (!it.rename) {
      auto t = gotemplate::Template::Parse(it.value);
      if (!t.ok()) return t.status();
      item.tmpl = std::make_shared<const gotemplate::Template>(std::move(*t));
    }
    f.items_.push_back(std::move(item));
  }
  return f;
}

// Labels captured when the stage's first template runs, as Loki's label_format does: templates see
// that snapshot; renames see (and change) the live labels.
class SnapshotTemplateData final : public gotemplate::TemplateData {
 public:
  SnapshotTemplateData(const std::vector<std::pair<std::string, std::string>>& labels, const LineState& s)
      : labels_(labels), s_(s) {}
  std::optional<std::string_view> Label(std::string_view name) const override {
    for (const auto& [n, v] : labels_)
      if (n == name) return std::string_view(v);
    return std::nullopt;
  }
  std::string_view Line() const override { return s_.line; }
  int64_t TimestampNs() const override { return s_.ts_ns; }

 private:
  const std::vector<std::pair<std::string, std::string>>& labels_;
  const LineState& s_;
};

bool LabelFormat::Process(LineState& s) const {
  thread_local std::vector<std::pair<std::string, std::string>> snapshot;
  thread_local std::string out;
  bool have_snapshot = false;
  for (const Item& it : items_) {
    if (!it.tmpl) {
      auto v = s.labels.Get(it.src);
      if (!v) continue;
      std::string value(*v);
      s.labels.Set(it.dst, value);
      s.labels.Del(it.src);
      continue;
    }
    if (!have_snapshot) {
      snapshot.clear();
      s.labels.ForEach([&](std::string_view n, std::string_view v) { snapshot.emplace_back(n, v); });
      have_snapshot = true;
    }
    out.clear();
    Status st = it.tmpl->Execute(SnapshotTemplateData(snapshot, s), &out);
    if (!st.ok()) {
      s.labels.SetErr(kErrTemplateFormat, st.message());
      continue;
    }
    s.labels.Set(it.dst, out);
  }
  return true;
}

bool DropLabels::Process(LineState& s) const {
  for (const auto& it : items_) {
    if (!it.matcher) {
      s.labels.Del(it.name);
      continue;
    }
    auto v = s.labels.Get(it.name);
    if (v && it.matcher->Matches(*v)) s.labels.Del(it.name);
  }
  return true;
}

bool KeepLabels::Process(LineState& s) const {
  thread_local std::vector<std::string> to_drop;
  to_drop.clear();
  s.labels.ForEachWithEmpty([&](std::string_view name, std::string_view value) {
    // Loki's keep never removes the error labels: later `__error__` filters still see them.
    if (name == kErrorLabel || name == kErrorDetailsLabel || name == kPreserveErrorLabel) return;
    bool keep = false;
    for (const auto& it : items_) {
      if (it.name != name) continue;
      if (!it.matcher || it.matcher->Matches(value)) { keep = true; break; }
    }
    if (!keep) to_drop.emplace_back(name);
  });
  for (const auto& n : to_drop) s.labels.Del(n);
  return true;
}

Decolorize::Decolorize() {
  re_ = std::make_shared<const RE2>(
      "[\\x{1B}\\x{9B}][\\[\\]()#;?]*(?:(?:(?:[a-zA-Z\\d]*(?:;[a-zA-Z\\d]*)*)?\\x{07})|"
      "(?:(?:\\d{1,4}(?:;\\d{0,4})*)?[\\dA-PRZcf-ntqry=><~]))");
}

void Decolorize::Strip(std::string_view in, std::string* out) const {
  out->assign(in);
  if (in.find('\x1b') == std::string_view::npos && in.find("\xc2\x9b") == std::string_view::npos) return;
  RE2::GlobalReplace(out, *re_, "");
}

bool Decolorize::Process(LineState& s) const {
  if (s.line.find('\x1b') == std::string_view::npos &&
      s.line.find("\xc2\x9b") == std::string_view::npos) return true;
  std::string& out = s.NextBuffer();
  Strip(s.line, &out);
  s.line = out;
  return true;
}

bool Distinct::Process(LineState& s) const {
  std::string key;
  for (const auto& l : labels_) {
    auto v = s.labels.Get(l);
    if (v) key.append(*v);
    key.push_back('\xff');
  }
  std::lock_guard<std::mutex> lock(mu_);
  return seen_.insert(std::move(key)).second;
}

}  // namespace skald::logql::log
