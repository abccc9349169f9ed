// GoSprintf: the fmt.Sprintf subset templates use, with Go's rendering of bad verbs and
// missing/extra operands.
#include <cstdio>

#include "common/gotemplate/functions.h"
#include "common/labels.h"

namespace skald::gotemplate {
namespace {

struct Spec {
  bool minus = false, zero = false, plus = false, space = false;
  int width = -1, prec = -1;
  char verb = 0;
};

void Pad(const Spec& sp, std::string body, std::string* out) {
  int pad = sp.width - static_cast<int>(body.size());
  if (pad <= 0) { out->append(body); return; }
  if (sp.minus) { out->append(body).append(pad, ' '); return; }
  if (sp.zero && !body.empty() && (body[0] == '-' || body[0] == '+')) {
    out->push_back(body[0]);
    out->append(pad, '0').append(body.substr(1));
    return;
  }
  out->append(pad, sp.zero ? '0' : ' ').append(body);
}

std::string BadVerb(char verb, const Value& v) {
  std::string r = "%!";
  r.push_back(verb);
  r.append("(").append(v.TypeName()).append("=").append(v.ToString()).append(")");
  return r;
}

std::string CFormat(const Spec& sp, char verb, double v) {
  char fmt[16], buf[512];
  std::snprintf(fmt, sizeof fmt, "%%%s%s.*%c", sp.plus ? "+" : "", sp.space ? " " : "", verb);
  std::snprintf(buf, sizeof buf, fmt, sp.prec < 0 ? 6 : std::min(sp.prec, 300), v);
  return buf;
}

std::string FormatOne(const Spec& sp, const Value& v) {
  using K = Value::Kind;
  switch (sp.verb) {
    case 'v': case 's':
      if (sp.verb == 's' && v.kind != K::kString && v.kind != K::kTime) return BadVerb('s', v);
      if (sp.prec >= 0 && v.kind == K::kString) return v.s.substr(0, sp.prec);
      return v.ToString();
    case 'd':
      if (v.kind != K::kInt) return BadVerb('d', v);
      return std::string(sp.plus && v.i >= 0 ? "+" : "").append(std::to_string(v.i));
    case 'f': case 'F': case 'e': case 'g':
      if (v.kind != K::kFloat) return BadVerb(sp.verb, v);
      if (sp.verb == 'g' && sp.prec < 0) return std::string(sp.plus && v.f >= 0 ? "+" : "").append(v.ToString());
      return CFormat(sp, sp.verb == 'F' ? 'f' : sp.verb, v.f);
    case 'q':
      if (v.kind != K::kString) return BadVerb('q', v);
      return GoQuote(v.s);
    case 't':
      if (v.kind != K::kBool) return BadVerb('t', v);
      return v.b ? "true" : "false";
    case 'x': case 'X': {
      const char* hex = sp.verb == 'x' ? "0123456789abcdef" : "0123456789ABCDEF";
      std::string r;
      if (v.kind == K::kString) {
        for (unsigned char c : v.s) { r.push_back(hex[c >> 4]); r.push_back(hex[c & 15]); }
        return r;
      }
      if (v.kind != K::kInt) return BadVerb(sp.verb, v);
      uint64_t u = v.i < 0 ? -static_cast<uint64_t>(v.i) : static_cast<uint64_t>(v.i);
      do { r.insert(r.begin(), hex[u & 15]); u >>= 4; } while (u != 0);
      if (v.i < 0) r.insert(r.begin(), '-');
      return r;
    }
    case 'c':
      if (v.kind != K::kInt) return BadVerb('c', v);
      return std::string(1, static_cast<char>(v.i));
    default:
      return BadVerb(sp.verb, v);
  }
}

}  // namespace

std::string GoSprintf(std::string_view f, const std::vector<Value>& args, size_t first) {
  std::string out;
  size_t argi = first;
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] != '%') { out.push_back(f[i]); continue; }
    Spec sp;
    ++i;
    for (; i < f.size(); ++i) {
      char c = f[i];
      if (c == '-') sp.minus = true;
      else if (c == '0') sp.zero = !sp.minus;
      else if (c == '+') sp.plus = true;
      else if (c == ' ') sp.space = true;
      else if (c != '#') break;
    }
    auto num = [&](int* dst) {
      // Capped while reading: a long digit run would overflow int before the 10000 clamp below.
      while (i < f.size() && f[i] >= '0' && f[i] <= '9') *dst = std::min(std::max(*dst, 0) * 10 + (f[i++] - '0'), 100000);
      if (*dst > 10000) *dst = 10000;
    };
    num(&sp.width);
    if (i < f.size() && f[i] == '.') { ++i; sp.prec = 0; num(&sp.prec); }
    if (i >= f.size()) { out.append("%!(NOVERB)"); break; }
    sp.verb = f[i];
    if (sp.verb == '%') { out.push_back('%'); continue; }
    if (argi >= args.size()) { out.append("%!").push_back(sp.verb); out.append("(MISSING)"); continue; }
    Pad(sp, FormatOne(sp, args[argi++]), &out);
  }
  if (argi < args.size()) {
    out.append("%!(EXTRA ");
    for (size_t k = argi; k < args.size(); ++k) {
      if (k > argi) out.append(", ");
      out.append(args[k].TypeName()).append("=").append(args[k].ToString());
    }
    out.append(")");
  }
  return out;
}

}  // namespace skald::gotemplate
