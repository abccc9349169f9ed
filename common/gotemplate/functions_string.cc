// String functions: Loki's Go-strings wrappers (ToUpper, Replace, Trim*, regexReplaceAll, count,
// alignLeft, ...) and sprig's (lower, trunc, substr, contains, b64enc, urlencode, sha256, ...).
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "common/gotemplate/function_args.h"
#include "common/digest.h"
#include "common/gotemplate/string_util.h"
#include "common/gotemplate/unicode_case.h"

namespace skald::gotemplate::internal {
namespace {

#define STR(i, var) std::string_view var; SKALD_RETURN_IF_ERROR(WantString(a[i], &var))
#define INT(i, var) int64_t var = 0; SKALD_RETURN_IF_ERROR(WantInt(a[i], &var))

Status Ok(Value* out, std::string s) { *out = Value::Str(std::move(s)); return Status::Ok(); }

// Regexes are template constants in practice; compiled ones are cached process-wide.
Result<std::shared_ptr<const RE2>> CachedRegex(std::string_view pattern) {
  static std::mutex mu;
  static std::unordered_map<std::string, std::shared_ptr<const RE2>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache.find(std::string(pattern));
  if (it != cache.end()) return it->second;
  RE2::Options opt;
  opt.set_log_errors(false);
  auto re = std::make_shared<const RE2>(pattern, opt);
  if (!re->ok()) return Status::Invalid("regexp: Compile(" + std::string(pattern) + "): " + re->error());
  if (cache.size() > 256) cache.clear();
  cache.emplace(std::string(pattern), re);
  return std::shared_ptr<const RE2>(re);
}

Status ToUpperF(const Args& a, const TemplateData&, Value* o) { STR(0, s); return Ok(o, ToUpper(s)); }
Status ToLowerF(const Args& a, const TemplateData&, Value* o) { STR(0, s); return Ok(o, ToLower(s)); }
Status TitleF(const Args& a, const TemplateData&, Value* o) { STR(0, s); return Ok(o, gotemplate::Title(s)); }

Status ReplaceGo(const Args& a, const TemplateData&, Value* o) {
  STR(0, s); STR(1, from); STR(2, to); INT(3, n);
  return Ok(o, ReplaceN(s, from, to, n));
}
Status ReplaceSprig(const Args& a, const TemplateData&, Value* o) {
  STR(0, from); STR(1, to); STR(2, s);
  return Ok(o, ReplaceN(s, from, to, -1));
}

template <int kSide>  // 0 both, 1 left, 2 right
Status TrimCut(const Args& a, const TemplateData&, Value* o) {
  STR(0, s); STR(1, cut);
  return Ok(o, std::string(TrimCutset(s, cut, kSide != 2, kSide != 1)));
}
Status TrimSpaceF(const Args& a, const TemplateData&, Value* o) { STR(0, s); return Ok(o, std::string(TrimSpaceView(s))); }
Status TrimAllF(const Args& a, const TemplateData&, Value* o) {
  STR(0, cut); STR(1, s);
  return Ok(o, std::string(TrimCutset(s, cut, true, true)));
}
Status TrimPrefixGo(const Args& a, const TemplateData&, Value* o) {
  STR(0, s); STR(1, p);
  return Ok(o, std::string(s.substr(s.starts_with(p) ? p.size() : 0)));
}
Status TrimSuffixGo(const Args& a, const TemplateData&, Value* o) {
  STR(0, s); STR(1, p);
  return Ok(o, std::string(s.substr(0, s.size() - (s.ends_with(p) ? p.size() : 0))));
}
Status TrimPrefixSprig(const Args& a, const TemplateData&, Value* o) {
  STR(0, p); STR(1, s);
  return Ok(o, std::string(s.substr(s.starts_with(p) ? p.size() : 0)));
}
Status TrimSuffixSprig(const Args& a, const TemplateData&, Value* o) {
  STR(0, p); STR(1, s);
  return Ok(o, std::string(s.substr(0, s.size() - (s.ends_with(p) ? p.size() : 0))));
}

Status ContainsF(const Args& a, const TemplateData&, Value* o) {
  STR(0, sub); STR(1, s);
  *o = Value::Bool(s.find(sub) != std::string_view::npos);
  return Status::Ok();
}
Status HasPrefixF(const Args& a, const TemplateData&, Value* o) {
  STR(0, p); STR(1, s);
  *o = Value::Bool(s.starts_with(p));
  return Status::Ok();
}
Status HasSuffixF(const Args& a, const TemplateData&, Value* o) {
  STR(0, p); STR(1, s);
  *o = Value::Bool(s.ends_with(p));
  return Status::Ok();
}

template <bool kLiteral>
Status RegexReplace(const Args& a, const TemplateData&, Value* o) {
  STR(0, pattern); STR(1, s); STR(2, repl);
  auto re = CachedRegex(pattern);
  if (!re.ok()) return re.status();
  return Ok(o, RegexReplaceAll(**re, s, repl, kLiteral));
}

Status CountF(const Args& a, const TemplateData&, Value* o) {
  STR(0, pattern); STR(1, s);
  auto re = CachedRegex(pattern);
  if (!re.ok()) return re.status();
  *o = Value::Int(RegexCount(**re, s));
  return Status::Ok();
}

Status Substr(const Args& a, const TemplateData&, Value* o) {
  int64_t start = CastInt(a[0]), end = CastInt(a[1]);
  std::string s = StrVal(a[2]);
  int64_t n = static_cast<int64_t>(s.size());
  if (start < 0) start = 0, end = std::min(std::max<int64_t>(end, 0), n);
  else if (end < 0 || end > n) end = n;
  if (start > end) return Status::Invalid("runtime error: slice bounds out of range");
  return Ok(o, s.substr(start, end - start));
}

Status Trunc(const Args& a, const TemplateData&, Value* o) {
  INT(0, c); STR(1, s);
  int64_t n = static_cast<int64_t>(s.size());
  if (c >= 0 && n > c) return Ok(o, std::string(s.substr(0, c)));
  if (c < 0 && n + c > 0) return Ok(o, std::string(s.substr(n + c)));
  return Ok(o, std::string(s));
}

Status RepeatF(const Args& a, const TemplateData&, Value* o) {
  INT(0, c); STR(1, s);
  if (c < 0) return Status::Invalid("strings: negative Repeat count");
  if (static_cast<uint64_t>(c) * s.size() > (64u << 20)) return Status::Invalid("strings: Repeat output too large");
  std::string r;
  for (int64_t i = 0; i < c; ++i) r.append(s);
  return Ok(o, std::move(r));
}

template <bool kNewline>
Status IndentF(const Args& a, const TemplateData&, Value* o) {
  INT(0, n); STR(1, s);
  std::string pad(static_cast<size_t>(std::clamp<int64_t>(n, 0, 4096)), ' ');
  return Ok(o, (kNewline ? "\n" : "") + pad + ReplaceN(s, "\n", "\n" + pad, -1));
}

template <bool kLeft>
Status Align(const Args& a, const TemplateData&, Value* o) {
  INT(0, n); STR(1, s);
  return Ok(o, AlignRunes(s, n, kLeft));
}

Status UrlEncode(const Args& a, const TemplateData&, Value* o) { STR(0, s); return Ok(o, QueryEscape(s)); }
Status UrlDecode(const Args& a, const TemplateData&, Value* o) {
  STR(0, s);
  std::string r;
  if (!QueryUnescape(s, &r)) return Status::Invalid("invalid URL escape");
  return Ok(o, std::move(r));
}
Status B64Enc(const Args& a, const TemplateData&, Value* o) { STR(0, s); return Ok(o, Base64Encode(s)); }
Status B64Dec(const Args& a, const TemplateData&, Value* o) {
  STR(0, s);
  std::string r;
  if (!Base64Decode(s, &r)) return Ok(o, "illegal base64 data at input byte " + std::to_string(r.size()));
  return Ok(o, std::move(r));
}
Status Sha256F(const Args& a, const TemplateData&, Value* o) { STR(0, s); return Ok(o, Sha256Hex(s)); }
// Promtail's `Hash salt input` (SHA3-256) and `Sha2Hash salt input` (SHA-256) of salt+input, hex.
Status HashF(const Args& a, const TemplateData&, Value* o) {
  STR(0, salt); STR(1, s);
  return Ok(o, Sha3_256Hex(std::string(salt).append(s)));
}
Status Sha2HashF(const Args& a, const TemplateData&, Value* o) {
  STR(0, salt); STR(1, s);
  return Ok(o, Sha256Hex(std::string(salt).append(s)));
}

}  // namespace

const std::vector<Function>& StringFunctions() {
  static const std::vector<Function> k = {
      {"ToUpper", 1, 1, ToUpperF}, {"ToLower", 1, 1, ToLowerF}, {"upper", 1, 1, ToUpperF},
      {"lower", 1, 1, ToLowerF}, {"title", 1, 1, TitleF}, {"Replace", 4, 4, ReplaceGo},
      {"replace", 3, 3, ReplaceSprig}, {"Trim", 2, 2, TrimCut<0>}, {"TrimLeft", 2, 2, TrimCut<1>},
      {"TrimRight", 2, 2, TrimCut<2>}, {"TrimSpace", 1, 1, TrimSpaceF}, {"trim", 1, 1, TrimSpaceF},
      {"trimAll", 2, 2, TrimAllF}, {"TrimPrefix", 2, 2, TrimPrefixGo},
      {"TrimSuffix", 2, 2, TrimSuffixGo}, {"trimPrefix", 2, 2, TrimPrefixSprig},
      {"trimSuffix", 2, 2, TrimSuffixSprig}, {"contains", 2, 2, ContainsF},
      {"hasPrefix", 2, 2, HasPrefixF}, {"hasSuffix", 2, 2, HasSuffixF},
      {"regexReplaceAll", 3, 3, RegexReplace<false>},
      {"regexReplaceAllLiteral", 3, 3, RegexReplace<true>}, {"count", 2, 2, CountF},
      {"substr", 3, 3, Substr}, {"trunc", 2, 2, Trunc}, {"repeat", 2, 2, RepeatF},
      {"indent", 2, 2, IndentF<false>}, {"nindent", 2, 2, IndentF<true>},
      {"alignLeft", 2, 2, Align<true>}, {"alignRight", 2, 2, Align<false>},
      {"urlencode", 1, 1, UrlEncode}, {"urldecode", 1, 1, UrlDecode}, {"b64enc", 1, 1, B64Enc},
      {"b64dec", 1, 1, B64Dec}, {"sha256", 1, 1, Sha256F},
      {"Hash", 2, 2, HashF}, {"Sha2Hash", 2, 2, Sha2HashF},
  };
  return k;
}

}  // namespace skald::gotemplate::internal
