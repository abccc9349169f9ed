// Internal parse tree of a Go template: nodes (text, action, if, with), pipelines, commands and
// arguments. Functions are resolved to pointers at parse time so execution does no name lookups.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/gotemplate/functions.h"
#include "common/gotemplate/value.h"

namespace skald::gotemplate {

struct Pipe;

struct Arg {
  enum class Kind { kField, kDot, kVar, kConst, kFunc, kPipe };
  Kind kind = Kind::kConst;
  std::string name;            // field name, variable name ("$x"), function name
  Value constant;              // kConst
  const Function* fn = nullptr;  // kFunc
  std::shared_ptr<Pipe> pipe;  // kPipe: parenthesized pipeline
};

struct Cmd {
  std::vector<Arg> args;  // args[0] is a function when the command is a call
};

struct Pipe {
  std::string decl;       // "$x" for `$x := ...`, empty otherwise
  bool assign = false;    // `$x = ...` (re-assignment)
  std::vector<Cmd> cmds;
  int line = 1;
};

struct Node {
  enum class Kind { kText, kAction, kIf, kWith };
  Kind kind = Kind::kText;
  std::string text;
  Pipe pipe;
  std::vector<Node> list;
  std::vector<Node> else_list;
};

struct TemplateAst {
  std::string source;
  std::vector<Node> root;
};

}  // namespace skald::gotemplate
