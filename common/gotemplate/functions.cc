// Go's template builtins (printf, print, len, not, and, or, eq..ge), Loki's __line__/__timestamp__,
// sprig's default, and FindFunction over every family's table.
#include "common/gotemplate/functions.h"

#include <unordered_map>

#include "common/gotemplate/function_args.h"
#include "common/gotemplate/template.h"

namespace skald::gotemplate {
namespace {

using internal::Args;

Status Printf(const Args& a, const TemplateData&, Value* out) {
  std::string_view fmt;
  SKALD_RETURN_IF_ERROR(internal::WantString(a[0], &fmt));
  *out = Value::Str(GoSprintf(fmt, a, 1));
  return Status::Ok();
}

// fmt.Sprint: spaces between operands when neither side is a string.
Status Print(const Args& a, const TemplateData&, Value* out) {
  std::string s;
  for (size_t i = 0; i < a.size(); ++i) {
    if (i > 0 && a[i].kind != Value::Kind::kString && a[i - 1].kind != Value::Kind::kString) s += ' ';
    a[i].AppendTo(&s);
  }
  *out = Value::Str(std::move(s));
  return Status::Ok();
}

Status Println(const Args& a, const TemplateData&, Value* out) {
  std::string s;
  for (size_t i = 0; i < a.size(); ++i) {
    if (i > 0) s += ' ';
    a[i].AppendTo(&s);
  }
  *out = Value::Str(s + "\n");
  return Status::Ok();
}

Status Len(const Args& a, const TemplateData&, Value* out) {
  if (a[0].kind != Value::Kind::kString)
    return Status::Invalid("len of type " + std::string(a[0].TypeName()));
  *out = Value::Int(static_cast<int64_t>(a[0].s.size()));
  return Status::Ok();
}

Status Not(const Args& a, const TemplateData&, Value* out) {
  *out = Value::Bool(!a[0].Truthy());
  return Status::Ok();
}

Status And(const Args& a, const TemplateData&, Value* out) {
  for (const Value& v : a)
    if (!v.Truthy()) { *out = v; return Status::Ok(); }
  *out = a.back();
  return Status::Ok();
}

Status Or(const Args& a, const TemplateData&, Value* out) {
  for (const Value& v : a)
    if (v.Truthy()) { *out = v; return Status::Ok(); }
  *out = a.back();
  return Status::Ok();
}

// Three-way comparison with Go's rules: same basic kind only (ints, floats, strings; bools and
// times for equality).
Status Compare(const Value& x, const Value& y, bool ordered, int* cmp) {
  if (x.kind != y.kind) return Status::Invalid("incompatible types for comparison");
  switch (x.kind) {
    case Value::Kind::kInt: *cmp = x.i < y.i ? -1 : x.i > y.i; return Status::Ok();
    case Value::Kind::kFloat: *cmp = x.f < y.f ? -1 : x.f > y.f; return Status::Ok();
    case Value::Kind::kString: *cmp = x.s.compare(y.s); *cmp = *cmp < 0 ? -1 : *cmp > 0; return Status::Ok();
    case Value::Kind::kBool:
      if (ordered) break;
      *cmp = x.b != y.b;
      return Status::Ok();
    case Value::Kind::kTime:
      if (ordered) break;
      *cmp = !(x.i == y.i && x.nsec == y.nsec);
      return Status::Ok();
    case Value::Kind::kNil:
      break;
  }
  return Status::Invalid("invalid type for comparison");
}

Status Eq(const Args& a, const TemplateData&, Value* out) {
  for (size_t i = 1; i < a.size(); ++i) {
    int c = 0;
    SKALD_RETURN_IF_ERROR(Compare(a[0], a[i], false, &c));
    if (c == 0) { *out = Value::Bool(true); return Status::Ok(); }
  }
  *out = Value::Bool(false);
  return Status::Ok();
}

template <int kOp>  // 0 ne, 1 lt, 2 le, 3 gt, 4 ge
Status Cmp(const Args& a, const TemplateData&, Value* out) {
  int c = 0;
  SKALD_RETURN_IF_ERROR(Compare(a[0], a[1], kOp != 0, &c));
  bool r = kOp == 0 ? c != 0 : kOp == 1 ? c < 0 : kOp == 2 ? c <= 0 : kOp == 3 ? c > 0 : c >= 0;
  *out = Value::Bool(r);
  return Status::Ok();
}

// sprig default: the given value unless it is empty (nil, "", 0, false).
Status Default(const Args& a, const TemplateData&, Value* out) {
  *out = (a.size() < 2 || !a[1].Truthy()) ? a[0] : a[1];
  return Status::Ok();
}

Status Line(const Args&, const TemplateData& d, Value* out) {
  *out = Value::Str(std::string(d.Line()));
  return Status::Ok();
}

Status Timestamp(const Args&, const TemplateData& d, Value* out) {
  *out = Value::TimeNs(d.TimestampNs());
  return Status::Ok();
}

const std::vector<Function>& Builtins() {
  static const std::vector<Function> k = {
      {"printf", 1, -1, Printf},   {"print", 0, -1, Print},     {"println", 0, -1, Println},
      {"len", 1, 1, Len},          {"not", 1, 1, Not},          {"and", 1, -1, And},
      {"or", 1, -1, Or},           {"eq", 2, -1, Eq},           {"ne", 2, 2, Cmp<0>},
      {"lt", 2, 2, Cmp<1>},        {"le", 2, 2, Cmp<2>},        {"gt", 2, 2, Cmp<3>},
      {"ge", 2, 2, Cmp<4>},        {"default", 1, 2, Default},  {"__line__", 0, 0, Line},
      {"__timestamp__", 0, 0, Timestamp},
  };
  return k;
}

}  // namespace

const Function* FindFunction(std::string_view name) {
  static const auto* table = [] {
    auto* m = new std::unordered_map<std::string_view, const Function*>();
    for (const auto* list : {&Builtins(), &internal::StringFunctions(),
                             &internal::MathTimeFunctions(), &internal::PrometheusFunctions()}) {
      for (const Function& f : *list) m->emplace(f.name, &f);
    }
    return m;
  }();
  auto it = table->find(name);
  return it == table->end() ? nullptr : it->second;
}

}  // namespace skald::gotemplate
