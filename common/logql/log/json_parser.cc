// JSON parsers over simdjson On-Demand: flattening walk, pointer extraction and unpack. simdjson's
// exceptions are caught here and turned into __error__ labels.
#include "common/logql/log/json_parser.h"

#include <simdjson.h>

#include "common/logql/log/errors.h"
#include "common/logql/log/parser_util.h"

namespace skald::logql::log {
namespace oj = simdjson::ondemand;

namespace {

struct JsonScratch {
  oj::parser parser;
  std::string padded;
  std::string key;
};

JsonScratch& Scratch() {
  thread_local JsonScratch s;
  return s;
}

oj::document Iterate(JsonScratch& sc, std::string_view line) {
  sc.padded.assign(line);
  sc.padded.append(simdjson::SIMDJSON_PADDING, '\0');
  return sc.parser.iterate(sc.padded.data(), line.size(), sc.padded.size());
}

std::string_view Trim(std::string_view v) {
  while (!v.empty() && (v.back() == ' ' || v.back() == '\n' || v.back() == '\t' || v.back() == '\r'))
    v.remove_suffix(1);
  return v;
}

// Sets the label for a scalar (string unescaped; number/bool as written); returns false for
// null/containers, which `| json` does not turn into labels.
bool ScalarText(oj::value v, oj::json_type t, std::string_view* out) {
  switch (t) {
    case oj::json_type::string: *out = v.get_string(); return true;
    case oj::json_type::number:
    case oj::json_type::boolean: *out = Trim(v.raw_json_token()); return true;
    default: return false;
  }
}

void Walk(oj::object obj, std::string* key, bool first, LabelsBuilder& lbs) {
  for (auto field : obj) {
    size_t mark = key->size();
    if (!first) key->push_back('_');
    std::string_view raw = field.unescaped_key();
    AppendSanitizedKey(raw, first, key);
    oj::value v = field.value();
    oj::json_type t = v.type();
    if (t == oj::json_type::object) {
      Walk(v.get_object(), key, false, lbs);
    } else if (std::string_view text; ScalarText(v, t, &text) && key->size() > mark + !first) {
      if (t == oj::json_type::string && ContainsRuneError(text)) text = {};  // as Loki: "" for U+FFFD
      lbs.SetParsed(*key, text);
    }
    key->resize(mark);
  }
}

bool SetJsonError(LineState& s, const char* what) {
  s.labels.SetErr(kErrJson, what);
  return true;
}

}  // namespace

bool JsonParser::Process(LineState& s) const {
  JsonScratch& sc = Scratch();
  try {
    oj::document doc = Iterate(sc, s.line);
    oj::object obj = doc.get_object();
    sc.key.clear();
    Walk(obj, &sc.key, true, s.labels);
  } catch (const simdjson::simdjson_error& e) {
    return SetJsonError(s, e.what());
  }
  return true;
}

Result<std::string> JsonPathToPointer(std::string_view path) {
  std::string ptr;
  auto add = [&](std::string_view seg) {
    ptr.push_back('/');
    for (char c : seg) {
      if (c == '~') ptr.append("~0");
      else if (c == '/') ptr.append("~1");
      else ptr.push_back(c);
    }
  };
  auto bad = [&] { return Status::Invalid("invalid json expression \"" + std::string(path) + "\""); };
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '[') {
      size_t end = path.find(']', i);
      if (end == std::string_view::npos) return bad();
      std::string_view in = path.substr(i + 1, end - i - 1);
      if (in.size() >= 2 && in.front() == '"' && in.back() == '"') {
        end = path.find("\"]", i + 2);
        in = path.substr(i + 2, end - i - 2);
        add(in);
        i = end + 2;
      } else {
        if (in.empty() || in.find_first_not_of("0123456789") != std::string_view::npos) return bad();
        add(in);
        i = end + 1;
      }
      if (i < path.size() && path[i] == '.') ++i;
      continue;
    }
    size_t end = path.find_first_of(".[", i);
    if (end == std::string_view::npos) end = path.size();
    if (end == i) return bad();
    add(path.substr(i, end - i));
    i = end;
    if (i < path.size() && path[i] == '.') {
      ++i;
      if (i == path.size()) return bad();
    }
  }
  if (ptr.empty()) return bad();
  return ptr;
}

Result<JsonExpressionParser> JsonExpressionParser::Make(
    const std::vector<std::pair<std::string, std::string>>& exprs) {
  JsonExpressionParser p;
  for (const auto& [label, path] : exprs) {
    if (!IsValidLabelName(label)) return Status::Invalid("invalid extracted label name '" + label + "'");
    auto ptr = JsonPathToPointer(path);
    if (!ptr.ok()) return ptr.status();
    p.exprs_.push_back(JsonExpression{label, std::move(*ptr)});
  }
  return p;
}

// Loki gives every named label a value: "" for a path missing from the line or a JSON null.
void JsonExpressionParser::FillMissing(LabelsBuilder& lbs) const {
  for (const auto& e : exprs_)
    if (!lbs.Get(e.label)) lbs.Set(e.label, {});
}

bool JsonExpressionParser::Process(LineState& s) const {
  if (s.line.empty()) return true;  // Loki: nothing to extract, no error
  JsonScratch& sc = Scratch();
  try {
    oj::document doc = Iterate(sc, s.line);
    if (doc.type() != oj::json_type::object) return SetJsonError(s, "the line is not a JSON object");
    for (const auto& e : exprs_) {
      oj::value v;
      auto err = doc.at_pointer(e.pointer).get(v);
      if (err == simdjson::NO_SUCH_FIELD || err == simdjson::INDEX_OUT_OF_BOUNDS ||
          err == simdjson::INCORRECT_TYPE) continue;  // path not in this line
      // Any other error leaves the iterator unusable (no further at_pointer on it).
      if (err != simdjson::SUCCESS) {
        FillMissing(s.labels);
        return SetJsonError(s, simdjson::error_message(err));
      }
      oj::json_type t = v.type();
      std::string_view text;
      if (t == oj::json_type::object) text = v.get_object().value().raw_json().value();
      else if (t == oj::json_type::array) text = v.get_array().value().raw_json().value();
      else if (!ScalarText(v, t, &text)) text = {};  // null
      s.labels.SetParsed(e.label, Trim(text));
    }
  } catch (const simdjson::simdjson_error& e) {
    FillMissing(s.labels);
    return SetJsonError(s, e.what());
  }
  FillMissing(s.labels);
  return true;
}

// Loki 2.9 unpacks only Promtail `pack` output: labels (top-level string fields) are set only when
// the object has a string `_entry`, which becomes the line; other JSON lines keep their labels.
bool UnpackParser::Process(LineState& s) const {
  if (s.line.empty()) return true;
  JsonScratch& sc = Scratch();
  thread_local std::vector<std::pair<std::string, std::string>> found;
  found.clear();
  try {
    oj::document doc = Iterate(sc, s.line);
    oj::object obj = doc.get_object();
    bool has_entry = false;
    std::string& next = s.NextBuffer();
    for (auto field : obj) {
      std::string_view key = field.unescaped_key();
      oj::value v = field.value();
      if (v.type() != oj::json_type::string) continue;
      std::string_view text = v.get_string();
      if (key == "_entry") {
        next.assign(text);
        has_entry = true;
        continue;
      }
      // Loki checks the collision on the raw key, then sanitises (suffix included).
      sc.key.clear();
      AppendSanitizedKey(s.labels.BaseHas(key) ? std::string(key).append(kExtractedSuffix) : std::string(key),
                         true, &sc.key);
      if (!sc.key.empty()) found.emplace_back(sc.key, ContainsRuneError(text) ? "" : text);
    }
    if (!has_entry) return true;
    for (const auto& [k, v] : found) s.labels.Set(k, v);
    s.line = next;
  } catch (const simdjson::simdjson_error& e) {
    return SetJsonError(s, e.what());
  }
  return true;
}

}  // namespace skald::logql::log
