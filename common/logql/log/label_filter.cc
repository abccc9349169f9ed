// Label filter evaluation with Loki's error semantics.
#include "common/logql/log/label_filter.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "common/logql/log/errors.h"
#include "common/logql/units.h"

namespace skald::logql::log {

bool ParseGoFloat(std::string_view s, double* out, std::string* err) {
  std::string_view t = s;
  if (!t.empty() && t[0] == '+') t.remove_prefix(1);
  bool ok = !t.empty() && t[0] != '-' ? true : t.size() > 1;
  if (ok) {
    auto r = std::from_chars(t.data(), t.data() + t.size(), *out);
    ok = r.ec == std::errc() && r.ptr == t.data() + t.size();
  }
  if (!ok) *err = "strconv.ParseFloat: parsing " + GoQuote(s) + ": invalid syntax";
  return ok;
}

Result<std::unique_ptr<LabelFilterExpr>> LabelFilterExpr::Compile(const LabelFilter& f) {
  auto e = std::make_unique<LabelFilterExpr>();
  e->kind_ = f.kind;
  e->op_ = f.op;
  e->name_ = f.name;
  e->number_ = f.number;
  if (f.kind == LabelFilter::Kind::kAnd || f.kind == LabelFilter::Kind::kOr) {
    if (!f.left || !f.right) return Status::Invalid("label filter: missing operand");
    auto l = Compile(*f.left);
    if (!l.ok()) return l.status();
    auto r = Compile(*f.right);
    if (!r.ok()) return r.status();
    e->left_ = std::move(*l);
    e->right_ = std::move(*r);
    return e;
  }
  if (f.kind == LabelFilter::Kind::kString) {
    if (!f.matcher) return Status::Invalid("label filter: string filter without matcher");
    e->matcher_ = *f.matcher;
  } else if (f.kind == LabelFilter::Kind::kIp) {
    auto ip = IpMatcher::Make(f.text);
    if (!ip.ok()) return ip.status();
    e->ip_ = std::make_shared<const IpMatcher>(std::move(*ip));
  } else if (f.op == CmpOp::kRe || f.op == CmpOp::kNre) {
    return Status::Invalid("label filter: regex operator on a " + f.text + " value");
  }
  return e;
}

bool LabelFilterExpr::Process(LineState& s) const {
  switch (kind_) {
    case LabelFilter::Kind::kAnd:
      return left_->Process(s) && right_->Process(s);
    case LabelFilter::Kind::kOr:
      return left_->Process(s) || right_->Process(s);
    default:
      return Leaf(s);
  }
}

bool LabelFilterExpr::Compare(double v) const {
  switch (op_) {
    case CmpOp::kEq: case CmpOp::kEqEq: return v == number_;
    case CmpOp::kNeq: return v != number_;
    case CmpOp::kGt: return v > number_;
    case CmpOp::kGte: return v >= number_;
    case CmpOp::kLt: return v < number_;
    case CmpOp::kLte: return v <= number_;
    default: return false;
  }
}

bool LabelFilterExpr::Leaf(LineState& s) const {
  if (kind_ == LabelFilter::Kind::kString) {
    auto v = s.labels.Get(name_);
    return matcher_->Matches(v ? *v : std::string_view());
  }
  if (s.labels.HasErr()) return true;  // only string filters can filter errored lines out
  auto v = s.labels.Get(name_);
  if (!v) return false;
  if (kind_ == LabelFilter::Kind::kIp) {
    bool m = ip_->MatchesAddress(*v);
    return op_ == CmpOp::kNeq ? !m : m;
  }
  double x = 0;
  std::string err;
  if (kind_ == LabelFilter::Kind::kNumber) {
    if (!ParseGoFloat(*v, &x, &err)) {
      s.labels.SetErr(kErrLabelFilter, err);
      return true;
    }
  } else if (kind_ == LabelFilter::Kind::kDuration) {
    auto d = ParseGoDuration(*v);
    if (!d) {
      s.labels.SetErr(kErrLabelFilter, "time: invalid duration " + GoQuote(*v));
      return true;
    }
    x = static_cast<double>(*d) / 1e9;
  } else {
    auto b = ParseBytes(*v);
    if (!b) {
      s.labels.SetErr(kErrLabelFilter, "strconv.ParseFloat: parsing " + GoQuote(*v) + ": invalid syntax");
      return true;
    }
    x = static_cast<double>(*b);
  }
  return Compare(x);
}

}  // namespace skald::logql::log
