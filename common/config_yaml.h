// YAML config loading for Loki/Promtail-style files: ${VAR} expansion, a declarative key schema
// that binds typed values and reports unknown keys (errors, with a suggestion) and known-but-unused
// Loki/Promtail keys (warnings), always naming file, line and key.
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace skald::config {

// -config.expand-env: ${VAR}, ${VAR:-default} (default when unset or empty), ${VAR-default}
// (default when unset), $VAR; unset variables expand to "". `$$` is a literal `$`, and `${...}`
// not starting with a variable name (e.g. relabel's `${1}`) is left as written.
std::string ExpandEnv(std::string_view text);

struct ConfigDoc {
  std::string file;   // path as given, used in messages
  std::string text;   // after expansion
  YAML::Node root;    // a map (an empty file gives an empty map)
};
Result<ConfigDoc> LoadYamlFile(const std::string& path, bool expand_env);
Result<ConfigDoc> ParseYamlText(const std::string& name, const std::string& text, bool expand_env);

// Converts one YAML value into a typed field. Error messages need not name file/line/key.
using Binder = std::function<Status(const YAML::Node& value)>;

struct Key;
using Schema = std::vector<Key>;

struct Key {
  enum class Kind {
    kValue,    // a scalar/sequence/map handed to `bind`
    kSection,  // a map whose keys are checked against `children`
    kList,     // a sequence of maps; each item checked against item_schema(index)
    kUnused,   // a known Loki/Promtail key skald ignores: warning, content not checked
  };
  std::string name;
  Kind kind = Kind::kValue;
  Binder bind;
  Schema children;
  // Builds the schema for item i (typically appends an element and binds to it).
  std::function<Schema(size_t)> item_schema;
  bool warn_unused = false;  // kValue: bind the value but also warn that skald ignores it
};

Key Value(std::string name, Binder bind);
Key Section(std::string name, Schema children);
Key List(std::string name, std::function<Schema(size_t)> item_schema);
Key Unused(std::string name);
// A key whose value is kept (for /config) but has no effect in skald: bound, and warned about.
Key UnusedValue(std::string name, Binder bind);
// `keys` plus an Unused key for each name: a section's known keys and the ones skald accepts
// and ignores (Loki/Promtail keys with no meaning here).
Schema WithUnused(Schema keys, std::initializer_list<const char*> unused);

// Typed binders. Durations accept Go ("1h30m", "1.5s") and Prometheus ("30d", "1w") syntax.
Binder BindString(std::string* out);
Binder BindInt(int* out);
Binder BindInt64(int64_t* out);
Binder BindBool(bool* out);
Binder BindDouble(double* out);
Binder BindDuration(int64_t* out_ns);
Binder BindDurationMs(int64_t* out_ms);
Binder BindBytes(int64_t* out);   // Loki flagext.ByteSize: "12MB", "1MiB", plain integers
Binder BindStringList(std::vector<std::string>* out);  // a sequence, or one scalar
Binder BindStringMap(std::vector<std::pair<std::string, std::string>>* out);  // map of scalars
Binder BindNode(YAML::Node* out);  // kept as YAML for another module to parse

// Walks a document against a schema, collecting every error and warning (does not stop early).
class Walker {
 public:
  explicit Walker(std::string file) : file_(std::move(file)) {}

  void Walk(const YAML::Node& map, const Schema& keys, const std::string& section);

  // "file:line" of a node (1-based line).
  std::string Where(const YAML::Node& n) const;
  void AddError(const YAML::Node& at, const std::string& msg);
  void AddWarning(const YAML::Node& at, const std::string& path, const std::string& msg);

  const std::vector<std::string>& errors() const { return errors_; }
  const std::vector<std::string>& warnings() const { return warnings_; }
  // Ok, or InvalidArgument whose message lists every error, one per line.
  Status ToStatus() const;
  // Logs each warning once at level warn.
  void LogWarnings() const;

 private:
  void WalkKey(const YAML::Node& key_node, const YAML::Node& value, const Key& key,
               const std::string& path);
  std::string file_;
  std::vector<std::string> errors_;
  std::vector<std::string> warnings_;
  std::vector<std::string> warned_paths_;
};

// The candidate closest to `name` by edit distance when it is a plausible typo, else "".
std::string ClosestKey(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace skald::config
