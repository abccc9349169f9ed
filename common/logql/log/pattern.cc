// Pattern: parsing of Loki's `<name>` pattern syntax and the left-to-right literal-anchored match.
#include "common/logql/log/pattern.h"

#include <cctype>

#include "common/labels.h"

namespace skald::logql::log {

Result<Pattern> Pattern::Parse(std::string_view text, bool need_named) {
  Pattern p;
  size_t i = 0;
  std::string lit;
  auto flush = [&] {
    if (lit.empty()) return;
    Part part;
    part.literal = std::move(lit);
    p.parts_.push_back(std::move(part));
    lit.clear();
  };
  while (i < text.size()) {
    if (text[i] == '<') {
      size_t end = text.find('>', i + 1);
      std::string_view name = end == std::string_view::npos ? "" : text.substr(i + 1, end - i - 1);
      if (!name.empty() && (name == "_" || IsValidLabelName(name))) {
        flush();
        if (!p.parts_.empty() && p.parts_.back().capture)
          return Status::Invalid("found consecutive capture '" + std::string(name) + "': invalid pattern");
        Part part;
        part.capture = true;
        if (name != "_") {
          for (const auto& n : p.names_)
            if (n == name) return Status::Invalid("duplicate capture name (" + std::string(name) + "): invalid pattern");
          part.index = static_cast<int>(p.names_.size());
          p.names_.emplace_back(name);
        }
        p.parts_.push_back(std::move(part));
        i = end + 1;
        continue;
      }
    }
    lit.push_back(text[i++]);
  }
  flush();
  if (p.parts_.empty()) return Status::Invalid("syntax error: empty pattern");
  if (need_named && p.names_.empty()) return Status::Invalid("at least one capture is required: invalid pattern");
  return p;
}

bool Pattern::Match(std::string_view line, std::vector<std::string_view>* values) const {
  if (values != nullptr) values->assign(names_.size(), std::string_view());
  size_t pos = 0;
  const Part* pending = nullptr;  // capture waiting for the next literal
  for (size_t k = 0; k < parts_.size(); ++k) {
    const Part& part = parts_[k];
    if (part.capture) {
      pending = &part;
      continue;
    }
    size_t at;
    if (pending == nullptr) {
      if (line.substr(pos).substr(0, part.literal.size()) != part.literal) return false;
      at = pos;
    } else {
      at = line.find(part.literal, pos);
      if (at == std::string_view::npos) return false;
      if (values != nullptr && pending->index >= 0) (*values)[pending->index] = line.substr(pos, at - pos);
      pending = nullptr;
    }
    pos = at + part.literal.size();
  }
  if (pending != nullptr && values != nullptr && pending->index >= 0)
    (*values)[pending->index] = line.substr(pos);
  return true;
}

}  // namespace skald::logql::log
