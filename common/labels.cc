// LabelSet parsing, printing and hashing; Go string quoting shared by every printer of labels.
#include "common/labels.h"

#include <algorithm>

namespace skald {

LabelSet::LabelSet(std::vector<Label> labels) {
  std::stable_sort(labels.begin(), labels.end(),
                   [](const Label& a, const Label& b) { return a.name < b.name; });
  for (auto& l : labels) {
    if (!labels_.empty() && labels_.back().name == l.name) labels_.pop_back();
    if (!l.value.empty()) labels_.push_back(std::move(l));
  }
}

bool IsValidLabelName(std::string_view n) {
  if (n.empty()) return false;
  for (size_t i = 0; i < n.size(); ++i) {
    char c = n[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

namespace {

// Length of a valid UTF-8 sequence starting at s[i], or 0 if invalid.
size_t Utf8Len(std::string_view s, size_t i) {
  unsigned char c = s[i];
  size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  if (n == 2 && c < 0xC2) return 0;  // overlong
  return n;
}

void AppendHex(std::string& out, unsigned v, int digits) {
  static const char* kHex = "0123456789abcdef";
  for (int d = digits - 1; d >= 0; --d) out.push_back(kHex[(v >> (4 * d)) & 0xF]);
}

bool SkipSpace(std::string_view s, size_t& i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
  return i < s.size();
}

}  // namespace

std::string GoQuote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    if (c >= 0x80) {
      size_t n = Utf8Len(s, i);
      if (n == 0) {
        out += "\\x";
        AppendHex(out, c, 2);
        ++i;
      } else {
        out.append(s.substr(i, n));
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\v': out += "\\v"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\x";
          AppendHex(out, c, 2);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out.push_back('"');
  return out;
}

namespace {

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<std::string> GoUnquote(std::string_view q) {
  if (q.size() < 2) return Status::Invalid("invalid syntax");
  char quote = q.front();
  if ((quote != '"' && quote != '\'' && quote != '`') || q.back() != quote)
    return Status::Invalid("invalid syntax");
  std::string_view body = q.substr(1, q.size() - 2);
  if (quote == '`') {
    if (body.find('`') != std::string_view::npos) return Status::Invalid("invalid syntax");
    return std::string(body);
  }
  std::string out;
  out.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c == quote) return Status::Invalid("invalid syntax");
    if (c == '\n') return Status::Invalid("invalid syntax");
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (++i >= body.size()) return Status::Invalid("invalid syntax");
    char e = body[i];
    switch (e) {
      case 'a': out.push_back('\a'); break;
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      case 'v': out.push_back('\v'); break;
      case '\\': out.push_back('\\'); break;
      case '"': case '\'': out.push_back(e); break;
      case 'x': case 'u': case 'U': {
        int n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        uint32_t v = 0;
        for (int k = 1; k <= n; ++k) {
          if (i + k >= body.size()) return Status::Invalid("invalid syntax");
          int h = HexVal(body[i + k]);
          if (h < 0) return Status::Invalid("invalid syntax");
          v = v * 16 + static_cast<uint32_t>(h);
        }
        i += n;
        if (e == 'x') out.push_back(static_cast<char>(v));
        else if (v > 0x10FFFF) return Status::Invalid("invalid syntax");
        else AppendUtf8(out, v);
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          if (i + 2 >= body.size()) return Status::Invalid("invalid syntax");
          uint32_t v = 0;
          for (int k = 0; k < 3; ++k) {
            char d = body[i + k];
            if (d < '0' || d > '7') return Status::Invalid("invalid syntax");
            v = v * 8 + static_cast<uint32_t>(d - '0');
          }
          if (v > 255) return Status::Invalid("invalid syntax");
          out.push_back(static_cast<char>(v));
          i += 2;
          break;
        }
        return Status::Invalid("invalid syntax");
    }
  }
  return out;
}

Result<LabelSet> LabelSet::Parse(std::string_view s) {
  size_t i = 0;
  if (!SkipSpace(s, i) || s[i] != '{') return Status::Invalid("1:1: parse error: unexpected input, expected {");
  ++i;
  std::vector<Label> out;
  auto err = [&](const std::string& what) {
    return Status::Invalid("1:" + std::to_string(i + 1) + ": parse error: " + what);
  };
  SkipSpace(s, i);
  if (i < s.size() && s[i] == '}') {
    ++i;
  } else {
    for (;;) {
      if (!SkipSpace(s, i)) return err("unexpected end of input inside braces");
      size_t start = i;
      while (i < s.size() && (isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_')) ++i;
      std::string name(s.substr(start, i - start));
      if (!IsValidLabelName(name)) return err("invalid label name");
      if (!SkipSpace(s, i) || s[i] != '=') return err("unexpected character, expected \"=\"");
      ++i;
      if (!SkipSpace(s, i)) return err("unexpected end of input, expected label value");
      char q = s[i];
      if (q != '"' && q != '\'' && q != '`') return err("unexpected character, expected quoted string");
      size_t vstart = i++;
      while (i < s.size() && s[i] != q) {
        if (s[i] == '\\' && q != '`') ++i;
        ++i;
      }
      if (i >= s.size()) return err("unterminated quoted string");
      ++i;
      auto v = GoUnquote(s.substr(vstart, i - vstart));
      if (!v.ok()) return err("invalid quoted string");
      for (const auto& l : out)
        if (l.name == name) return err("duplicate label name \"" + name + "\"");
      out.push_back({std::move(name), std::move(*v)});
      if (!SkipSpace(s, i)) return err("unexpected end of input inside braces");
      if (s[i] == ',') {
        ++i;
        SkipSpace(s, i);
        if (i < s.size() && s[i] == '}') { ++i; break; }
        continue;
      }
      if (s[i] == '}') { ++i; break; }
      return err("unexpected character inside braces");
    }
  }
  if (SkipSpace(s, i)) return err("unexpected input after closing brace");
  return LabelSet(std::move(out));
}

std::string LabelSet::ToString() const {
  std::string out = "{";
  for (size_t i = 0; i < labels_.size(); ++i) {
    if (i) out += ", ";
    out += labels_[i].name;
    out += '=';
    out += GoQuote(labels_[i].value);
  }
  out += '}';
  return out;
}

uint64_t Fnv1a64(std::string_view data, uint64_t h) {
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

uint64_t LabelSet::Fingerprint() const {
  uint64_t h = 14695981039346656037ULL;
  static const char kSep[1] = {'\xff'};
  for (const auto& l : labels_) {
    h = Fnv1a64(l.name, h);
    h = Fnv1a64(std::string_view(kSep, 1), h);
    h = Fnv1a64(l.value, h);
    h = Fnv1a64(std::string_view(kSep, 1), h);
  }
  return h;
}

std::optional<std::string_view> LabelSet::Get(std::string_view name) const {
  auto it = std::lower_bound(labels_.begin(), labels_.end(), name,
                             [](const Label& l, std::string_view n) { return l.name < n; });
  if (it != labels_.end() && it->name == name) return std::string_view(it->value);
  return std::nullopt;
}

void LabelSet::Set(std::string_view name, std::string_view value) {
  auto it = std::lower_bound(labels_.begin(), labels_.end(), name,
                             [](const Label& l, std::string_view n) { return l.name < n; });
  bool found = it != labels_.end() && it->name == name;
  if (value.empty()) {
    if (found) labels_.erase(it);
    return;
  }
  if (found) it->value.assign(value);  // keeps the string's capacity
  else labels_.insert(it, Label{std::string(name), std::string(value)});
}

void LabelSet::Erase(std::string_view name) { Set(name, ""); }

}  // namespace skald
