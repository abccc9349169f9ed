// Command-line flags with Go's `flag` package rules, as Loki and Promtail accept them: one or two
// dashes, `-name=value` or `-name value`, bare `-name` for booleans, parsing stops at `--`.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace skald {

class FlagSet {
 public:
  explicit FlagSet(std::string program) : program_(std::move(program)) {}

  void Bool(const std::string& name, bool* out, const std::string& help);
  void String(const std::string& name, std::string* out, const std::string& help);
  void Int(const std::string& name, int* out, const std::string& help);

  // Errors read like Go's ("flag provided but not defined: -x"). -h/-help/--help sets
  // help_requested() and returns Ok without parsing further.
  Status Parse(int argc, const char* const* argv);

  bool help_requested() const { return help_; }
  const std::vector<std::string>& args() const { return args_; }  // after the flags
  std::string Usage() const;

  // For a main(): after a failed parse (or check) `st`, prints the error and Usage() + usage_tail
  // to stderr; after -h just the usage. Returns the exit code (bad flags 2, help 0), or -1 to go on.
  int UsageExit(const Status& st, const std::string& usage_tail = "") const;
  // Parse + UsageExit.
  int ParseOrUsage(int argc, const char* const* argv, const std::string& usage_tail = "") {
    Status st = Parse(argc, argv);
    return UsageExit(st, usage_tail);
  }

 private:
  enum class Kind { kBool, kString, kInt };
  struct Flag {
    std::string name, help;
    Kind kind;
    void* target;
  };
  Status Set(const Flag& f, const std::string& value);
  const Flag* Find(const std::string& name) const;
  std::string program_;
  std::vector<Flag> flags_;
  std::vector<std::string> args_;
  bool help_ = false;
};

}  // namespace skald
