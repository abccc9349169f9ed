// Structured logfmt logging to stderr, as Loki/Promtail print it:
// `level=info ts=2026-11-26T23:00:00.123456789Z caller=file.cc:123 msg="..." key=value`.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>

namespace skald::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// Names usable in SKALD_LOG(info, ...): the macro pastes its first argument here.
namespace lvl {
inline constexpr Level debug = Level::kDebug;
inline constexpr Level info = Level::kInfo;
inline constexpr Level warn = Level::kWarn;
inline constexpr Level error = Level::kError;
}  // namespace lvl

// One key=value pair; the value is rendered at construction (only when the level is enabled).
struct Field {
  std::string_view key;
  std::string value;
  Field(std::string_view k, const char* v) : key(k), value(v ? v : "") {}
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const std::string& v) : key(k), value(v) {}
  Field(std::string_view k, bool v) : key(k), value(v ? "true" : "false") {}
  Field(std::string_view k, double v);
  template <typename T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  Field(std::string_view k, T v) : key(k), value(std::to_string(v)) {}
};

// Thread-safe; the level is a relaxed atomic so a filtered-out call costs one load.
void SetLevel(Level level);
Level GetLevel();
bool Enabled(Level level);
// "debug" | "info" | "warn" | "error" → Level; false for anything else.
bool ParseLevel(std::string_view name, Level* out);
std::string_view LevelName(Level level);
// The -log.level flag over the config's server.log_level: sets the level from `flag` when given,
// else from *config_level, and writes the chosen name back to *config_level. On an unknown name
// prints the binaries' usage error to stderr and returns false.
bool ApplyLevelFlag(const std::string& flag, std::string* config_level);

// Writes one line. `file` is __FILE__ (only its basename is printed).
void Write(Level level, const char* file, int line, std::string_view msg,
           std::initializer_list<Field> fields = {});
// Formats a line without writing it (tests, and the writer itself). ts_ns is unix nanoseconds.
std::string Format(Level level, int64_t ts_ns, std::string_view caller, std::string_view msg,
                   std::initializer_list<Field> fields);
// logfmt value quoting: bare when safe, else a Go-quoted string.
void AppendValue(std::string* out, std::string_view v);

// Redirects output (tests). nullptr restores stderr.
void SetSink(std::function<void(std::string_view line)> sink);

}  // namespace skald::log

// SKALD_LOG(info, "msg", {{"k", "v"}, {"n", 3}}): arguments are not evaluated when filtered out.
#define SKALD_LOG(level, msg, ...)                                                      \
  do {                                                                                  \
    if (::skald::log::Enabled(::skald::log::lvl::level)) {                              \
      ::skald::log::Write(::skald::log::lvl::level, __FILE__, __LINE__, msg __VA_OPT__(, ) \
                              __VA_ARGS__);                                             \
    }                                                                                   \
  } while (0)
