// Go-style flag parsing for both binaries (see cli_flags.h for the accepted forms).
#include "common/cli_flags.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace skald {

void FlagSet::Bool(const std::string& name, bool* out, const std::string& help) {
  flags_.push_back({name, help, Kind::kBool, out});
}

void FlagSet::String(const std::string& name, std::string* out, const std::string& help) {
  flags_.push_back({name, help, Kind::kString, out});
}

void FlagSet::Int(const std::string& name, int* out, const std::string& help) {
  flags_.push_back({name, help, Kind::kInt, out});
}

const FlagSet::Flag* FlagSet::Find(const std::string& name) const {
  for (const Flag& f : flags_) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

Status FlagSet::Set(const Flag& f, const std::string& value) {
  auto bad = [&] {
    return Status::Invalid("invalid value \"" + value + "\" for flag -" + f.name);
  };
  switch (f.kind) {
    case Kind::kBool: {
      static const char* kTrue[] = {"1", "t", "T", "TRUE", "true", "True"};
      static const char* kFalse[] = {"0", "f", "F", "FALSE", "false", "False"};
      bool* b = static_cast<bool*>(f.target);
      if (std::find(std::begin(kTrue), std::end(kTrue), value) != std::end(kTrue)) {
        *b = true;
      } else if (std::find(std::begin(kFalse), std::end(kFalse), value) != std::end(kFalse)) {
        *b = false;
      } else {
        return bad();
      }
      return Status::Ok();
    }
    case Kind::kString:
      *static_cast<std::string*>(f.target) = value;
      return Status::Ok();
    case Kind::kInt: {
      int v = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (ec != std::errc() || p != value.data() + value.size() || value.empty()) return bad();
      *static_cast<int*>(f.target) = v;
      return Status::Ok();
    }
  }
  return Status::Ok();
}

Status FlagSet::Parse(int argc, const char* const* argv) {
  int i = 1;
  for (; i < argc; ++i) {
    std::string a = argv[i];
    if (a.size() < 2 || a[0] != '-') break;  // first positional argument
    if (a == "--") {
      ++i;
      break;
    }
    std::string body = a.substr(a[1] == '-' ? 2 : 1);
    if (body.empty() || body[0] == '-' || body[0] == '=') {
      return Status::Invalid("bad flag syntax: " + a);
    }
    size_t eq = body.find('=');
    std::string name = body.substr(0, eq);
    if (name == "h" || name == "help") {
      help_ = true;
      return Status::Ok();
    }
    const Flag* f = Find(name);
    if (!f) return Status::Invalid("flag provided but not defined: -" + name);
    if (eq != std::string::npos) {
      SKALD_RETURN_IF_ERROR(Set(*f, body.substr(eq + 1)));
    } else if (f->kind == Kind::kBool) {
      *static_cast<bool*>(f->target) = true;
    } else if (i + 1 < argc) {
      SKALD_RETURN_IF_ERROR(Set(*f, argv[++i]));
    } else {
      return Status::Invalid("flag needs an argument: -" + name);
    }
  }
  for (; i < argc; ++i) args_.emplace_back(argv[i]);
  return Status::Ok();
}

int FlagSet::UsageExit(const Status& st, const std::string& usage_tail) const {
  if (st.ok() && !help_) return -1;
  if (!st.ok()) std::fprintf(stderr, "%s\n", st.message().c_str());
  std::fputs((Usage() + usage_tail).c_str(), stderr);
  return st.ok() ? 0 : 2;
}

std::string FlagSet::Usage() const {
  std::string out = "Usage of " + program_ + ":\n";
  for (const Flag& f : flags_) {
    out += "  -" + f.name;
    if (f.kind == Kind::kString) out += " string";
    if (f.kind == Kind::kInt) out += " int";
    out += "\n    \t" + f.help + "\n";
  }
  return out;
}

}  // namespace skald
