// logfmt writer: one mutex-guarded write per line to stderr (or a test sink), level filter atomic.
// Quoting follows go-logfmt: values with spaces, '=', '"' or control bytes are quoted.
#include "common/logger.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>

#include "common/time_util.h"

namespace skald::log {
namespace {

std::atomic<int> g_level{int(Level::kInfo)};
std::mutex g_mu;
std::function<void(std::string_view)>* g_sink = nullptr;  // guarded by g_mu

bool NeedsQuote(std::string_view v) {
  if (v.empty()) return false;
  for (unsigned char c : v) {
    if (c <= ' ' || c == '=' || c == '"' || c == 0x7f) return true;
  }
  return false;
}

}  // namespace

Field::Field(std::string_view k, double v) : key(k), value(FormatGoFloat(v)) {}

void SetLevel(Level level) { g_level.store(int(level), std::memory_order_relaxed); }
Level GetLevel() { return Level(g_level.load(std::memory_order_relaxed)); }
bool Enabled(Level level) { return int(level) >= g_level.load(std::memory_order_relaxed); }

bool ApplyLevelFlag(const std::string& flag, std::string* config_level) {
  const std::string name = flag.empty() ? *config_level : flag;
  Level level;
  if (!ParseLevel(name, &level)) {
    std::fprintf(stderr, "invalid -log.level \"%s\" (want debug, info, warn or error)\n", name.c_str());
    return false;
  }
  SetLevel(level);
  *config_level = name;
  return true;
}

bool ParseLevel(std::string_view name, Level* out) {
  static const std::pair<std::string_view, Level> kNames[] = {
      {"debug", Level::kDebug}, {"info", Level::kInfo}, {"warn", Level::kWarn},
      {"error", Level::kError}};
  for (const auto& [n, l] : kNames) {
    if (n == name) {
      *out = l;
      return true;
    }
  }
  return false;
}

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
  }
  return "info";
}

void AppendValue(std::string* out, std::string_view v) {
  if (!NeedsQuote(v)) {
    out->append(v);
    return;
  }
  out->push_back('"');
  for (unsigned char c : v) {
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out->append(buf);
        } else {
          out->push_back(char(c));
        }
    }
  }
  out->push_back('"');
}

std::string Format(Level level, int64_t ts_ns, std::string_view caller, std::string_view msg,
                   std::initializer_list<Field> fields) {
  std::string out;
  out.reserve(96 + msg.size());
  out.append("level=").append(LevelName(level));
  out.append(" ts=").append(FormatRFC3339Nano(ts_ns));
  out.append(" caller=").append(caller);
  out.append(" msg=");
  AppendValue(&out, msg);
  for (const Field& f : fields) {
    out.push_back(' ');
    out.append(f.key).push_back('=');
    AppendValue(&out, f.value);
  }
  out.push_back('\n');
  return out;
}

void Write(Level level, const char* file, int line, std::string_view msg,
           std::initializer_list<Field> fields) {
  std::string_view f(file ? file : "?");
  size_t slash = f.find_last_of('/');
  if (slash != std::string_view::npos) f.remove_prefix(slash + 1);
  std::string caller(f);
  caller += ':' + std::to_string(line);
  int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                    std::chrono::system_clock::now().time_since_epoch()).count();
  std::string text = Format(level, now, caller, msg, fields);
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_sink) {
    (*g_sink)(text);
    return;
  }
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

void SetSink(std::function<void(std::string_view)> sink) {
  std::lock_guard<std::mutex> lock(g_mu);
  delete g_sink;
  g_sink = sink ? new std::function<void(std::string_view)>(std::move(sink)) : nullptr;
}

}  // namespace skald::log
