// skald-store's maintenance subcommands: backup, restore, check, export, import. main() hands
// argv over when argv[1] names one of them; each parses its own Go-style flags.
#pragma once

#include <string>

namespace skald::backup {

bool IsToolCommand(const std::string& name);
// argv[0] is the subcommand. Returns the process exit code (0 ok, 1 failed/problems, 2 usage).
int RunToolCommand(int argc, const char* const* argv);

}  // namespace skald::backup
