// JMESPath subset: a tiny recursive-descent compiler to a step list, and a projection-aware
// evaluator; plus Go-compatible JSON marshalling of the results.
#include "collector/pipeline/stages/jmespath.h"

#include <algorithm>

#include "collector/pipeline/stages/config.h"

namespace skald::pipeline {
namespace {

bool IdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IdentChar(char c) { return IdentStart(c) || (c >= '0' && c <= '9'); }

Status Syntax(std::string_view expr, size_t pos, const std::string& what) {
  return Status::Invalid("SyntaxError: " + what + " at position " + std::to_string(pos) + " in \"" +
                         std::string(expr) + "\"");
}

// Parses an identifier (bare or quoted) at e[*i].
Result<std::string> Ident(std::string_view e, size_t* i) {
  if (*i < e.size() && e[*i] == '"') {
    size_t j = *i + 1;
    std::string out;
    while (j < e.size() && e[j] != '"') {
      if (e[j] == '\\' && j + 1 < e.size()) {
        char c = e[++j];
        out += c == 'n' ? '\n' : c == 't' ? '\t' : c;
      } else {
        out += e[j];
      }
      ++j;
    }
    if (j >= e.size()) return Syntax(e, *i, "unclosed quoted identifier");
    *i = j + 1;
    return out;
  }
  if (*i >= e.size() || !IdentStart(e[*i])) return Syntax(e, *i, "expected an identifier");
  size_t j = *i;
  while (j < e.size() && IdentChar(e[j])) ++j;
  std::string out(e.substr(*i, j - *i));
  *i = j;
  return out;
}

}  // namespace

Result<JmesPath> JmesPath::Compile(std::string_view e) {
  JmesPath p;
  size_t i = 0;
  bool need_ident = true;  // at start or after '.'
  while (i < e.size()) {
    char c = e[i];
    if (c == '[') {
      size_t close = e.find(']', i);
      if (close == std::string_view::npos) return Syntax(e, i, "unclosed '['");
      std::string_view in = e.substr(i + 1, close - i - 1);
      if (in == "*") p.steps_.push_back({Step::kProject, "", 0});
      else if (in.empty()) p.steps_.push_back({Step::kFlatten, "", 0});
      else {
        size_t k = in[0] == '-' ? 1 : 0;
        if (k == in.size() || !std::all_of(in.begin() + k, in.end(), [](char d) { return d >= '0' && d <= '9'; }))
          return Syntax(e, i, "unsupported bracket expression [" + std::string(in) + "]");
        p.steps_.push_back({Step::kIndex, "", std::stoll(std::string(in))});
      }
      i = close + 1;
      need_ident = false;
      continue;
    }
    if (c == '.' && !need_ident) {
      ++i;
      need_ident = true;
      continue;
    }
    if (!need_ident) return Syntax(e, i, std::string("unexpected '") + c + "'");
    if (c == '*') {
      p.steps_.push_back({Step::kObjProject, "", 0});
      ++i;
    } else {
      auto id = Ident(e, &i);
      if (!id.ok()) return id.status();
      p.steps_.push_back({Step::kField, *id, 0});
    }
    need_ident = false;
  }
  if (need_ident) return Syntax(e, e.size(), "expected an identifier");
  return p;
}

JmesPath::Value JmesPath::Search(simdjson::dom::element root) const { return Eval(root, 0); }

JmesPath::Value JmesPath::Eval(simdjson::dom::element node, size_t s) const {
  using simdjson::dom::element_type;
  Value null;
  if (s == steps_.size()) {
    if (node.type() == element_type::NULL_VALUE) return null;
    Value v;
    v.null = false;
    v.el = node;
    return v;
  }
  const Step& st = steps_[s];
  std::vector<simdjson::dom::element> elems;
  switch (st.kind) {
    case Step::kField: {
      if (node.type() != element_type::OBJECT) return null;
      simdjson::dom::element child;
      if (node.get_object().at_key(st.field).get(child) != simdjson::SUCCESS) return null;
      return Eval(child, s + 1);
    }
    case Step::kIndex: {
      if (node.type() != element_type::ARRAY) return null;
      simdjson::dom::array arr;
      if (node.get_array().get(arr) != simdjson::SUCCESS) return null;
      int64_t n = static_cast<int64_t>(arr.size()), idx = st.index < 0 ? n + st.index : st.index;
      if (idx < 0 || idx >= n) return null;
      simdjson::dom::element child;
      if (arr.at(idx).get(child) != simdjson::SUCCESS) return null;
      return Eval(child, s + 1);
    }
    case Step::kObjProject:
      if (node.type() != element_type::OBJECT) return null;
      for (auto kv : simdjson::dom::object(node)) elems.push_back(kv.value);
      break;
    case Step::kProject:
      if (node.type() != element_type::ARRAY) return null;
      for (auto el : simdjson::dom::array(node)) elems.push_back(el);
      break;
    case Step::kFlatten:
      if (node.type() != element_type::ARRAY) return null;
      for (auto el : simdjson::dom::array(node)) {
        if (el.type() == element_type::ARRAY)
          for (auto x : simdjson::dom::array(el)) elems.push_back(x);
        else
          elems.push_back(el);
      }
      break;
  }
  Value list;
  list.null = false;
  list.is_list = true;
  for (auto el : elems) {
    Value r = Eval(el, s + 1);
    if (!r.null) list.items.push_back(std::move(r));
  }
  return list;
}

namespace {

void QuoteJson(std::string_view s, std::string* out) {
  static const char* kHex = "0123456789abcdef";
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default:
        if (c < 0x20 || c == '<' || c == '>' || c == '&') {
          *out += "\\u00";
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 15]);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

std::string Number(simdjson::dom::element el) {
  using simdjson::dom::element_type;
  if (el.type() == element_type::INT64) return std::to_string(int64_t(el));
  if (el.type() == element_type::UINT64) return FormatGoFloat(static_cast<double>(uint64_t(el)));
  return FormatGoFloat(double(el));
}

}  // namespace

void MarshalJson(simdjson::dom::element el, std::string* out) {
  using simdjson::dom::element_type;
  switch (el.type()) {
    case element_type::OBJECT: {
      std::vector<std::pair<std::string_view, simdjson::dom::element>> kv;
      for (auto f : simdjson::dom::object(el)) kv.emplace_back(f.key, f.value);
      std::stable_sort(kv.begin(), kv.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      out->push_back('{');
      for (size_t i = 0; i < kv.size(); ++i) {
        if (i) out->push_back(',');
        QuoteJson(kv[i].first, out);
        out->push_back(':');
        MarshalJson(kv[i].second, out);
      }
      out->push_back('}');
      return;
    }
    case element_type::ARRAY: {
      out->push_back('[');
      bool first = true;
      for (auto x : simdjson::dom::array(el)) {
        if (!first) out->push_back(',');
        first = false;
        MarshalJson(x, out);
      }
      out->push_back(']');
      return;
    }
    case element_type::STRING: QuoteJson(std::string_view(el), out); return;
    case element_type::BOOL: *out += bool(el) ? "true" : "false"; return;
    case element_type::NULL_VALUE: *out += "null"; return;
    default: *out += Number(el); return;
  }
}

void MarshalJson(const JmesPath::Value& v, std::string* out) {
  if (v.null) {
    *out += "null";
  } else if (!v.is_list) {
    MarshalJson(v.el, out);
  } else {
    out->push_back('[');
    for (size_t i = 0; i < v.items.size(); ++i) {
      if (i) out->push_back(',');
      MarshalJson(v.items[i], out);
    }
    out->push_back(']');
  }
}

std::optional<std::string> ToExtracted(const JmesPath::Value& v) {
  using simdjson::dom::element_type;
  if (v.null) return std::nullopt;
  std::string out;
  if (v.is_list) {
    MarshalJson(v, &out);
    return out;
  }
  switch (v.el.type()) {
    case element_type::STRING: return std::string(std::string_view(v.el));
    case element_type::BOOL: return std::string(bool(v.el) ? "true" : "false");
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE: return Number(v.el);
    default: MarshalJson(v.el, &out); return out;
  }
}

}  // namespace skald::pipeline
