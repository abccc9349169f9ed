// Matcher construction (RE2 compile, literal-alternation fast path) and evaluation.
#include "common/matcher.h"

#include <re2/re2.h>

namespace skald {

std::string_view MatchTypeString(MatchType t) {
  switch (t) {
    case MatchType::kEq: return "=";
    case MatchType::kNeq: return "!=";
    case MatchType::kRe: return "=~";
    case MatchType::kNre: return "!~";
  }
  return "=";
}

namespace {

// `a|b|c` with no regex metacharacters -> {"a","b","c"}; nullopt otherwise.
std::shared_ptr<std::vector<std::string>> LiteralAlternation(const std::string& re) {
  static const std::string kMeta = "\\.+*?()[]{}^$";
  auto out = std::make_shared<std::vector<std::string>>();
  std::string cur;
  for (char c : re) {
    if (kMeta.find(c) != std::string::npos) return nullptr;
    if (c == '|') {
      out->push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  out->push_back(cur);
  return out;
}

}  // namespace

Result<Matcher> Matcher::Make(MatchType type, std::string name, std::string value) {
  Matcher m;
  m.type_ = type;
  m.name_ = std::move(name);
  m.value_ = std::move(value);
  if (type == MatchType::kRe || type == MatchType::kNre) {
    RE2::Options opts;
    opts.set_log_errors(false);
    opts.set_dot_nl(true);  // Prometheus compiles with (?s)
    auto re = std::make_shared<RE2>("^(?:" + m.value_ + ")$", opts);
    if (!re->ok()) {
      return Status::Invalid("error parsing regexp: " + re->error() + ": `" + m.value_ + "`");
    }
    m.re_ = std::move(re);
    m.literals_ = LiteralAlternation(m.value_);
  }
  return m;
}

bool Matcher::Matches(std::string_view v) const {
  switch (type_) {
    case MatchType::kEq: return v == value_;
    case MatchType::kNeq: return v != value_;
    case MatchType::kRe:
    case MatchType::kNre: {
      bool hit;
      if (literals_) {
        hit = false;
        for (const auto& l : *literals_)
          if (l == v) { hit = true; break; }
      } else {
        hit = RE2::FullMatch(re2::StringPiece(v.data(), v.size()), *re_);
      }
      return type_ == MatchType::kRe ? hit : !hit;
    }
  }
  return false;
}

bool Matcher::Matches(const LabelSet& ls) const {
  auto v = ls.Get(name_);
  return Matches(v ? *v : std::string_view());
}

std::string Matcher::ToString() const {
  return name_ + std::string(MatchTypeString(type_)) + GoQuote(value_);
}

bool MatchesAll(const Matchers& ms, const LabelSet& ls) {
  for (const auto& m : ms)
    if (!m.Matches(ls)) return false;
  return true;
}

std::string MatchersToString(const Matchers& ms) {
  std::string out = "{";
  for (size_t i = 0; i < ms.size(); ++i) {
    if (i) out += ", ";
    out += ms[i].ToString();
  }
  return out + "}";
}

}  // namespace skald
