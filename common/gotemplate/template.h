// A Go text/template subset (actions, pipelines, if/else if/else, with, variables, comparison and
// the Loki/Promtail/sprig function set) parsed once and executed many times over label data.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace skald::gotemplate {

// What a template sees: `.name` looks up a label (missing → empty string, as Loki's
// missingkey=zero over map[string]string), `__line__` returns Line(), `__timestamp__` Timestamp().
class TemplateData {
 public:
  virtual ~TemplateData() = default;
  virtual std::optional<std::string_view> Label(std::string_view name) const = 0;
  virtual std::string_view Line() const { return {}; }
  virtual int64_t TimestampNs() const { return 0; }
  // Go's default missingkey behaviour over map[string]interface{} (Promtail's template stage):
  // a missing field is nil and prints "<no value>". Loki's line_format keeps the default false.
  virtual bool MissingIsNil() const { return false; }
};

struct TemplateAst;  // parse tree, private to the engine

// Immutable after Parse; Execute is const and safe to call from several threads at once.
class Template {
 public:
  // Errors read like Go's: `template: line:1: function "foo" not defined`.
  static Result<Template> Parse(std::string_view text);

  // Appends the output to *out. On error *out holds the partial output and the Status says why
  // (Go's `template: ...: executing ... error calling div: ...` style).
  Status Execute(const TemplateData& data, std::string* out) const;

  // True when the template is plain text without actions (callers can skip execution).
  bool IsLiteral() const;
  const std::string& source() const;

 private:
  std::shared_ptr<const TemplateAst> ast_;
};

}  // namespace skald::gotemplate
