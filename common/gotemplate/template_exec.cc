// Template::Execute: walks the TemplateAst, evaluating pipelines (the previous command's result is
// passed as the last argument of the next) with Go's scoping of `$` variables and `with` dots.
#include <utility>

#include "common/gotemplate/template.h"
#include "common/gotemplate/template_ast.h"

namespace skald::gotemplate {
namespace {

class Executor {
 public:
  Executor(const TemplateData& data, std::string* out) : data_(data), out_(out) {}

  Status RunList(const std::vector<Node>& list, const Value* dot) {
    for (const Node& n : list) SKALD_RETURN_IF_ERROR(RunNode(n, dot));
    return Status::Ok();
  }

 private:
  Status RunNode(const Node& n, const Value* dot) {
    switch (n.kind) {
      case Node::Kind::kText:
        out_->append(n.text);
        return Status::Ok();
      case Node::Kind::kAction: {
        Value v;
        SKALD_RETURN_IF_ERROR(EvalPipe(n.pipe, dot, &v));
        if (n.pipe.decl.empty()) v.AppendTo(out_);
        return Status::Ok();
      }
      case Node::Kind::kIf:
      case Node::Kind::kWith: {
        size_t mark = vars_.size();
        Value v;
        SKALD_RETURN_IF_ERROR(EvalPipe(n.pipe, dot, &v));
        Status st;
        if (v.Truthy()) {
          st = RunList(n.list, n.kind == Node::Kind::kWith ? &v : dot);
        } else {
          st = RunList(n.else_list, dot);
        }
        vars_.resize(mark);
        return st;
      }
    }
    return Status::Ok();
  }

  Status EvalPipe(const Pipe& p, const Value* dot, Value* out) {
    Value prev;
    bool has_prev = false;
    for (const Cmd& c : p.cmds) {
      SKALD_RETURN_IF_ERROR(EvalCmd(c, dot, has_prev ? &prev : nullptr, out, p.line));
      prev = std::move(*out);
      has_prev = true;
    }
    *out = std::move(prev);
    if (!p.decl.empty()) {
      if (p.assign) {
        for (auto it = vars_.rbegin(); it != vars_.rend(); ++it)
          if (it->first == p.decl) { it->second = *out; return Status::Ok(); }
        return Err(p.line, "undefined variable: " + p.decl);
      }
      vars_.emplace_back(p.decl, *out);
    }
    return Status::Ok();
  }

  Status EvalCmd(const Cmd& c, const Value* dot, const Value* piped, Value* out, int line) {
    const Arg& first = c.args[0];
    if (first.kind != Arg::Kind::kFunc) {
      if (piped != nullptr) return Err(line, "can't give argument to non-function");
      return EvalArg(first, dot, out, line);
    }
    std::vector<Value> args;
    args.reserve(c.args.size());
    for (size_t i = 1; i < c.args.size(); ++i) {
      args.emplace_back();
      SKALD_RETURN_IF_ERROR(EvalArg(c.args[i], dot, &args.back(), line));
    }
    if (piped != nullptr) args.push_back(*piped);
    const Function& fn = *first.fn;
    int n = static_cast<int>(args.size());
    if (n < fn.min_args || (fn.max_args >= 0 && n > fn.max_args)) {
      return Err(line, "wrong number of args for " + std::string(fn.name) + ": want " +
                           std::to_string(fn.min_args) + " got " + std::to_string(n));
    }
    Status st = fn.call(args, data_, out);
    if (!st.ok()) return Err(line, "error calling " + std::string(fn.name) + ": " + st.message());
    return Status::Ok();
  }

  Status EvalArg(const Arg& a, const Value* dot, Value* out, int line) {
    switch (a.kind) {
      case Arg::Kind::kConst:
        *out = a.constant;
        return Status::Ok();
      case Arg::Kind::kField: {
        std::string_view name = a.name;
        if (name.starts_with('$')) {
          name.remove_prefix(1);
          dot = nullptr;
        }
        if (dot != nullptr) {
          return Err(line, "can't evaluate field " + a.name + " in type " +
                               std::string(dot->TypeName()));
        }
        auto v = data_.Label(name);
        if (!v && data_.MissingIsNil()) {
          *out = Value();
          return Status::Ok();
        }
        *out = Value::Str(v ? std::string(*v) : std::string());
        return Status::Ok();
      }
      case Arg::Kind::kDot:
        *out = dot != nullptr ? *dot : Value::Str("map[]");
        return Status::Ok();
      case Arg::Kind::kVar:
        if (a.name == "$") { *out = Value::Str("map[]"); return Status::Ok(); }
        for (auto it = vars_.rbegin(); it != vars_.rend(); ++it)
          if (it->first == a.name) { *out = it->second; return Status::Ok(); }
        return Err(line, "undefined variable: " + a.name);
      case Arg::Kind::kPipe:
        return EvalPipe(*a.pipe, dot, out);
      case Arg::Kind::kFunc:
        break;
    }
    return Err(line, "can't evaluate " + a.name);
  }

  static Status Err(int line, const std::string& msg) {
    return Status::Invalid("template: line:" + std::to_string(line) + ": executing: " + msg);
  }

  const TemplateData& data_;
  std::string* out_;
  std::vector<std::pair<std::string, Value>> vars_;
};

}  // namespace

Status Template::Execute(const TemplateData& data, std::string* out) const {
  Executor ex(data, out);
  return ex.RunList(ast_->root, nullptr);
}

}  // namespace skald::gotemplate
