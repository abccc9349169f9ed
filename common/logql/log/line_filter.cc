// Line filter matching: literal fast paths, regex simplification and prefiltered RE2.
#include "common/logql/log/line_filter.h"

#include <re2/re2.h>

#include <cctype>
#include <cstring>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace skald::logql::log {
namespace {

bool IsMeta(char c) { return std::strchr("\\.+*?()|[]{}^$", c) != nullptr; }

std::string Lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

// Substring search comparing the needle's first and last bytes at 16 positions at once (SSE2),
// verifying candidates with memcmp; avoids memmem's per-call setup on short lines.
bool Contains(std::string_view hay, std::string_view needle) {
  const size_t k = needle.size(), n = hay.size();
  if (k == 0) return true;
  if (k > n) return false;
  if (k == 1) return std::memchr(hay.data(), needle[0], n) != nullptr;
#ifdef __SSE2__
  const char* s = hay.data();
  const __m128i first = _mm_set1_epi8(needle[0]);
  const __m128i last = _mm_set1_epi8(needle[k - 1]);
  size_t i = 0;
  for (; i + k - 1 + 16 <= n; i += 16) {
    __m128i bf = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
    __m128i bl = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i + k - 1));
    unsigned mask = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(first, bf), _mm_cmpeq_epi8(last, bl))));
    while (mask != 0) {
      unsigned bit = static_cast<unsigned>(__builtin_ctz(mask));
      if (std::memcmp(s + i + bit + 1, needle.data() + 1, k - 2) == 0) return true;
      mask &= mask - 1;
    }
  }
  for (; i + k <= n; ++i)
    if (s[i] == needle[0] && std::memcmp(s + i + 1, needle.data() + 1, k - 1) == 0) return true;
  return false;
#else
  return memmem(hay.data(), n, needle.data(), k) != nullptr;
#endif
}

}  // namespace

bool ContainsFold(std::string_view hay, std::string_view n) {
  if (n.empty()) return true;
  if (hay.size() < n.size()) return false;
  char f0 = n[0], f1 = static_cast<char>(std::toupper(static_cast<unsigned char>(n[0])));
  for (size_t i = 0; i + n.size() <= hay.size(); ++i) {
    if (hay[i] != f0 && hay[i] != f1) continue;
    size_t k = 1;
    while (k < n.size() && std::tolower(static_cast<unsigned char>(hay[i + k])) == static_cast<unsigned char>(n[k])) ++k;
    if (k == n.size()) return true;
  }
  return false;
}

std::optional<std::vector<std::string>> RegexLiteralAlternatives(std::string_view re, bool* fold) {
  *fold = false;
  if (re.starts_with("(?i)")) {
    *fold = true;
    re.remove_prefix(4);
  }
  std::vector<std::string> out(1);
  for (size_t i = 0; i < re.size(); ++i) {
    char c = re[i];
    if (c == '|') { out.emplace_back(); continue; }
    if (c == '\\' && i + 1 < re.size() && IsMeta(re[i + 1])) { out.back().push_back(re[++i]); continue; }
    if (IsMeta(c)) return std::nullopt;
    out.back().push_back(c);
  }
  for (const auto& s : out)
    if (s.empty()) return std::nullopt;
  return out;
}

std::string RegexRequiredLiteral(std::string_view re) {
  if (re.find("(?") != std::string_view::npos) return "";  // flags may change case or meaning
  std::string best, cur;
  int depth = 0;
  auto end_run = [&] {
    if (cur.size() > best.size()) best = cur;
    cur.clear();
  };
  for (size_t i = 0; i < re.size(); ++i) {
    char c = re[i];
    char next = i + 1 < re.size() ? re[i + 1] : '\0';
    if (c == '\\') {
      if (depth == 0 && i + 1 < re.size() && IsMeta(next)) {
        char q = i + 2 < re.size() ? re[i + 2] : '\0';
        if (q == '*' || q == '?' || q == '{') { end_run(); ++i; continue; }
        cur.push_back(next);
        ++i;
        if (q == '+') end_run();
        continue;
      }
      end_run();
      ++i;
      continue;
    }
    if (c == '[') {  // skip the class
      end_run();
      size_t j = i + 1;
      if (j < re.size() && re[j] == '^') ++j;
      if (j < re.size() && re[j] == ']') ++j;
      while (j < re.size() && re[j] != ']') j += re[j] == '\\' ? 2 : 1;
      i = j;
      continue;
    }
    if (c == '{') {  // skip a repetition count
      end_run();
      while (i < re.size() && re[i] != '}') ++i;
      continue;
    }
    if (c == '(') { end_run(); ++depth; continue; }
    if (c == ')') { end_run(); --depth; continue; }
    if (c == '|') { if (depth == 0) return ""; continue; }
    if (depth > 0) continue;
    if (IsMeta(c)) { end_run(); continue; }
    if (next == '*' || next == '?' || next == '{') { end_run(); continue; }
    cur.push_back(c);
    if (next == '+') end_run();
  }
  end_run();
  return best;
}

Result<LineMatcher> LineMatcher::Make(Kind kind, std::string_view value) {
  LineMatcher m;
  switch (kind) {
    case Kind::kLiteral:
      m.strategy_ = Strategy::kMemmem;
      m.literals_.emplace_back(value);
      return m;
    case Kind::kIp: {
      auto ip = IpMatcher::Make(value);
      if (!ip.ok()) return ip.status();
      m.strategy_ = Strategy::kIp;
      m.ip_ = std::make_shared<const IpMatcher>(std::move(*ip));
      return m;
    }
    case Kind::kPattern: {
      auto p = Pattern::Parse(value, false);
      if (!p.ok()) return p.status();
      m.strategy_ = Strategy::kPattern;
      m.pattern_ = std::make_shared<const Pattern>(std::move(*p));
      return m;
    }
    case Kind::kRegex:
      break;
  }
  RE2::Options opt;
  opt.set_log_errors(false);
  auto re = std::make_shared<const RE2>(value, opt);
  if (!re->ok()) return Status::Invalid("invalid regex \"" + std::string(value) + "\": " + re->error());
  bool fold = false;
  if (auto lits = RegexLiteralAlternatives(value, &fold)) {
    if (lits->size() == 1 && !fold) {
      m.strategy_ = Strategy::kMemmem;
    } else {
      m.strategy_ = fold ? Strategy::kCaseInsensitive : Strategy::kLiteralSet;
      if (fold)
        for (auto& l : *lits) l = Lower(l);
    }
    m.literals_ = std::move(*lits);
    return m;
  }
  m.re_ = std::move(re);
  m.prefilter_ = RegexRequiredLiteral(value);
  m.strategy_ = m.prefilter_.empty() ? Strategy::kRegex : Strategy::kRegexPrefiltered;
  return m;
}

bool LineMatcher::Matches(std::string_view line) const {
  switch (strategy_) {
    case Strategy::kMemmem:
      return Contains(line, literals_[0]);
    case Strategy::kCaseInsensitive:
      for (const auto& l : literals_)
        if (ContainsFold(line, l)) return true;
      return false;
    case Strategy::kLiteralSet:
      for (const auto& l : literals_)
        if (Contains(line, l)) return true;
      return false;
    case Strategy::kRegexPrefiltered:
      if (!Contains(line, prefilter_)) return false;
      [[fallthrough]];
    case Strategy::kRegex:
      return RE2::PartialMatch(line, *re_);
    case Strategy::kIp:
      return ip_->MatchesLine(line);
    case Strategy::kPattern:
      return pattern_->Match(line, nullptr);
  }
  return false;
}

bool LineFilter::Keep(std::string_view line) const {
  bool any = false;
  for (const auto& m : cfg_.matchers) {
    if (m.Matches(line)) { any = true; break; }
  }
  return cfg_.negate ? !any : any;
}

}  // namespace skald::logql::log
