// Stages that rewrite the line or the label set: line_format, label_format (template and rename
// forms), drop, keep, decolorize, and distinct. Template errors set __error__=TemplateFormatErr.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/gotemplate/template.h"
#include "common/logql/log/stage.h"
#include "common/matcher.h"

namespace re2 {
class RE2;
}

namespace skald::logql::log {

class LineFormat final : public Stage {
 public:
  static Result<LineFormat> Make(std::string_view tmpl);
  bool Process(LineState& s) const override;

 private:
  std::shared_ptr<const gotemplate::Template> tmpl_;
};

struct LabelFormatItem {
  std::string dst;
  std::string value;  // template text, or the source label when rename
  bool rename = false;
};

class LabelFormat final : public Stage {
 public:
  // Error when a destination appears twice (Loki: "multiple label name ... not allowed").
  static Result<LabelFormat> Make(const std::vector<LabelFormatItem>& items);
  bool Process(LineState& s) const override;

 private:
  struct Item {
    std::string dst, src;
    std::shared_ptr<const gotemplate::Template> tmpl;  // null for rename
  };
  std::vector<Item> items_;
};

struct LabelSelector {
  std::string name;
  std::optional<Matcher> matcher;
};

class DropLabels final : public Stage {
 public:
  explicit DropLabels(std::vector<LabelSelector> items) : items_(std::move(items)) {}
  bool Process(LineState& s) const override;

 private:
  std::vector<LabelSelector> items_;
};

class KeepLabels final : public Stage {
 public:
  explicit KeepLabels(std::vector<LabelSelector> items) : items_(std::move(items)) {}
  bool Process(LineState& s) const override;

 private:
  std::vector<LabelSelector> items_;
};

class Decolorize final : public Stage {
 public:
  Decolorize();
  bool Process(LineState& s) const override;
  // Strips ANSI escape sequences (the pattern Loki uses) from `in` into *out.
  void Strip(std::string_view in, std::string* out) const;

 private:
  std::shared_ptr<const re2::RE2> re_;
};

// `| distinct a, b`: only the first line per combination of values passes. Shared by every stream
// of one query; guarded by a mutex.
class Distinct final : public Stage {
 public:
  explicit Distinct(std::vector<std::string> labels) : labels_(std::move(labels)) {}
  bool Process(LineState& s) const override;

 private:
  std::vector<std::string> labels_;
  mutable std::mutex mu_;
  mutable std::set<std::string> seen_;
};

}  // namespace skald::logql::log
