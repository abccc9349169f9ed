// Loki's label-key sanitisation for parsed keys.
#include "common/logql/log/parser_util.h"

namespace skald::logql::log {

void AppendSanitizedKey(std::string_view key, bool first, std::string* out) {
  while (!key.empty() && (key.front() == ' ' || key.front() == '\t')) key.remove_prefix(1);
  while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.remove_suffix(1);
  if (key.empty()) return;
  if (first && key[0] >= '0' && key[0] <= '9') out->push_back('_');
  size_t at = out->size();
  out->append(key);
  for (size_t i = at; i < out->size(); ++i) {
    char c = (*out)[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) (*out)[i] = '_';
  }
}

}  // namespace skald::logql::log
