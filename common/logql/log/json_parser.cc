// JSON parsers: `| json` and `| unpack` walk lines as Loki's jsonparser does (json_scan.h); named
// extraction uses simdjson On-Demand pointers, its exceptions caught here and turned into __error__.
#include "common/logql/log/json_parser.h"

#include <simdjson.h>

#include <optional>

#include "common/logql/log/errors.h"
#include "common/logql/log/json_each_key.h"
#include "common/logql/log/json_scan.h"
#include "common/logql/log/parser_util.h"

namespace skald::logql::log {
namespace oj = simdjson::ondemand;

namespace {

struct JsonScratch {
  oj::parser parser;
  std::string padded;
  std::string key;
  std::string value;  // unescaped string values
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

// Appends the next path segment as Loki does: '_' between segments, the leading-digit rule only
// while the path is still empty.
size_t PushKey(std::string_view k, std::string* key) {
  size_t mark = key->size();
  if (mark != 0) key->push_back('_');
  AppendSanitizedKey(k, mark == 0, key);
  return mark;
}

[[noreturn]] void NeedsScan() { throw simdjson::simdjson_error(simdjson::INCORRECT_TYPE); }

// simdjson skips an array by counting every bracket kind, jsonparser by counting '[' and ']' only
// (inside the brace-counted block of an enclosing object): both end it at the same ']' when its
// braces pair up. The array itself is left for simdjson to skip.
void CheckArraySpan(oj::value v, const char* line_end) {
  const char* at = v.raw_json_token().data();
  if (JsonBalancedArrayEnd(std::string_view(at, static_cast<size_t>(line_end - at))) == kJsonNpos)
    NeedsScan();
}

// A scalar's text, checked to end where jsonparser's token ends (simdjson also stops at ':', '"',
// '{' and '[', so "0a\":1" is one jsonparser number but not one simdjson token).
std::string_view ScalarToken(oj::value v, const char* line_end) {
  std::string_view raw = v.raw_json_token();
  std::string_view t = Trim(raw);
  if (JsonTokenEnd(std::string_view(raw.data(), static_cast<size_t>(line_end - raw.data()))) != t.size())
    NeedsScan();
  return t;
}

// The fast `| json` walk over simdjson for well-formed lines. It throws on anything jsonparser
// might read differently (malformed JSON, "tru"/"nul" tokens, odd arrays); the caller then starts
// again with the jsonparser-compatible scan, which also gives Loki's error text.
void FastWalk(oj::object obj, std::string* key, LabelsBuilder& lbs, const char* line_end) {
  for (auto field : obj) {
    size_t mark = PushKey(field.unescaped_key(), key);
    oj::value v = field.value();
    switch (v.type()) {
      case oj::json_type::object: FastWalk(v.get_object(), key, lbs, line_end); break;
      case oj::json_type::array: CheckArraySpan(v, line_end); break;
      case oj::json_type::string: {
        std::string_view text = v.get_string();
        if (!key->empty()) lbs.SetParsed(*key, ContainsRuneError(text) ? std::string_view() : text);
        break;
      }
      case oj::json_type::number: {
        std::string_view t = ScalarToken(v, line_end);
        if (!key->empty()) lbs.SetParsed(*key, t);
        break;
      }
      case oj::json_type::boolean: {
        std::string_view t = ScalarToken(v, line_end);
        if (t != "true" && t != "false") NeedsScan();
        if (!key->empty()) lbs.SetParsed(*key, t);
        break;
      }
      default:
        if (ScalarToken(v, line_end) != "null") NeedsScan();
    }
    key->resize(mark);
  }
}

// The object keys of a pointer made by JsonPathToPointer; nullopt when the LogQL path has an
// array index (a segment of digits), which the key-only EachKey scan does not handle.
std::optional<std::vector<std::string>> PointerKeys(std::string_view ptr) {
  std::vector<std::string> keys;
  size_t i = 0;
  while (i < ptr.size()) {
    size_t end = ptr.find('/', i + 1);
    if (end == std::string_view::npos) end = ptr.size();
    std::string k;
    for (size_t j = i + 1; j < end; ++j) {
      if (ptr[j] == '~' && j + 1 < end) {
        k.push_back(ptr[j + 1] == '1' ? '/' : '~');
        ++j;
      } else {
        k.push_back(ptr[j]);
      }
    }
    if (!k.empty() && k.find_first_not_of("0123456789") == std::string::npos) return std::nullopt;
    keys.push_back(std::move(k));
    i = end;
  }
  return keys;
}

bool SetJsonError(LineState& s, std::string_view what) {
  s.labels.SetErr(kErrJson, what);
  return true;
}

// A JSON string's value as Loki reads it: unescaped, "" when an escape is bad or the text holds
// U+FFFD / invalid UTF-8 (Prometheus rejects those).
std::string_view StringValue(const JsonValue& v, std::string* scratch) {
  std::string_view text = v.raw;
  if (v.escaped) {
    scratch->clear();
    if (!JsonUnescape(v.raw, scratch)) return {};
    text = *scratch;
  }
  return ContainsRuneError(text) ? std::string_view() : text;
}

// `| json`'s field callback: scalars become labels named by the '_'-joined sanitised path, objects
// are walked (their errors end the line's parsing), null and arrays are skipped.
struct FlattenWalk {
  LabelsBuilder& lbs;
  std::string& key;    // the path so far (sanitised)
  std::string& value;  // unescape scratch

  std::string_view operator()(std::string_view k, const JsonValue& v) {
    if (v.kind == JsonKind::kNull || v.kind == JsonKind::kArray) return {};
    size_t mark = PushKey(k, &key);
    std::string_view err;
    if (v.kind == JsonKind::kObject) {
      err = JsonObjectEach(v.raw, *this);
    } else if (!key.empty()) {  // Loki would set a label named ""; there is no such label
      lbs.SetParsed(key, v.kind == JsonKind::kString ? StringValue(v, &value) : v.raw);
    }
    key.resize(mark);
    return err;
  }
};

}  // namespace

// Loki reads the line with jsonparser's ObjectEach: fields before a malformed spot keep their
// labels, bytes after the closing brace are ignored, and the error text is jsonparser's. A line
// that simdjson walks without complaint is read the same by both; only when no earlier stage set a
// label (so the labels can be dropped again) is that fast walk tried first.
bool JsonParser::Process(LineState& s) const {
  JsonScratch& sc = Scratch();
  if (!s.labels.Changed() && !scan_only_) {
    try {
      sc.key.clear();
      oj::document doc = Iterate(sc, s.line);
      FastWalk(doc.get_object(), &sc.key, s.labels, sc.padded.data() + s.line.size());
      return true;
    } catch (const simdjson::simdjson_error&) {
      s.labels.DropChanges();
    }
  }
  sc.key.clear();
  std::string_view err = JsonObjectEach(s.line, FlattenWalk{s.labels, sc.key, sc.value});
  if (!err.empty()) SetJsonError(s, err);
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
  for (const auto& e : p.exprs_) {
    auto keys = PointerKeys(e.pointer);
    if (!keys) {
      p.key_paths_.clear();
      break;
    }
    p.key_paths_.push_back(std::move(*keys));
  }
  return p;
}

// Loki finds the named paths with jsonparser's EachKey: only what it meets at those keys can be an
// error, and a value's text is unescaped whatever its type (an object keeps its raw JSON).
void JsonExpressionParser::ProcessKeys(LineState& s) const {
  JsonScratch& sc = Scratch();
  thread_local std::vector<JsonKeyHit> hits;
  hits.clear();
  JsonEachKey(s.line, key_paths_, &hits);
  size_t matches = 0;
  for (const JsonKeyHit& h : hits) {
    if (!h.error.empty()) {
      SetJsonError(s, h.error);
      continue;
    }
    std::string_view text = h.value.raw;
    if (h.value.kind == JsonKind::kNull) {
      text = {};
    } else if (text.find('\\') != std::string_view::npos) {
      sc.value.clear();
      text = JsonUnescape(text, &sc.value) ? std::string_view(sc.value) : std::string_view();
    }
    if (ContainsRuneError(text)) text = {};
    s.labels.SetParsed(exprs_[h.path].label, text);
    ++matches;
  }
  if (matches < exprs_.size()) FillMissing(s.labels);
}

// Loki gives every named label a value: "" for a path missing from the line or a JSON null.
void JsonExpressionParser::FillMissing(LabelsBuilder& lbs) const {
  for (const auto& e : exprs_)
    if (!lbs.Get(e.label)) lbs.Set(e.label, {});
}

bool JsonExpressionParser::Process(LineState& s) const {
  if (s.line.empty()) return true;  // Loki: nothing to extract, no error
  // Loki checks only the first byte: other starts are an error without details and no labels; a
  // top-level string or array has no keys to find (every label "", no error).
  char first = s.line.front();
  if (first != '{' && first != '[' && first != '"') return SetJsonError(s, {});
  if (!key_paths_.empty()) {
    ProcessKeys(s);
    return true;
  }
  // Paths with array indices: read with simdjson (error texts are simdjson's, not Loki's).
  if (first != '{') {
    FillMissing(s.labels);
    return true;
  }
  JsonScratch& sc = Scratch();
  try {
    oj::document doc = Iterate(sc, s.line);
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
// the object has a string `_entry`, which becomes the line; other JSON lines keep their labels. The
// line is read with jsonparser's ObjectEach, so malformed lines get its error texts.
bool UnpackParser::Process(LineState& s) const {
  if (s.line.empty()) return true;
  if (s.line.front() != '{') return SetJsonError(s, kUnpackNotAnObject);
  JsonScratch& sc = Scratch();
  thread_local std::vector<std::pair<std::string, std::string>> found;
  found.clear();
  bool has_entry = false;
  std::string& next = s.NextBuffer();
  std::string_view err = JsonObjectEach(s.line, [&](std::string_view key, const JsonValue& v) {
    if (v.kind != JsonKind::kString) return std::string_view();
    if (key == "_entry") {
      next.clear();
      if (!JsonUnescape(v.raw, &next)) return kJsonErrStringEscape;
      has_entry = true;
      return std::string_view();
    }
    // Loki checks the collision on the raw key, then sanitises (suffix included).
    sc.key.clear();
    AppendSanitizedKey(s.labels.BaseHas(key) ? std::string(key).append(kExtractedSuffix) : std::string(key),
                       true, &sc.key);
    if (!sc.key.empty()) found.emplace_back(sc.key, StringValue(v, &sc.value));
    return std::string_view();
  });
  if (!err.empty()) return SetJsonError(s, err);
  if (!has_entry) return true;
  for (const auto& [k, v] : found) s.labels.Set(k, v);
  s.line = next;
  return true;
}

}  // namespace skald::logql::log
