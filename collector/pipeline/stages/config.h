// YAML helpers shared by every stage's config parser: typed field reads that fail with
// `file:line: <stage> stage: <key>: <problem>`, and a check that no unknown key is present.
#pragma once

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "collector/pipeline/stages/stage.h"
#include "common/status.h"

namespace skald::pipeline {

// Reads one stage's config map. All getters record the first error; Done() returns it.
class ConfigReader {
 public:
  ConfigReader(const YAML::Node& node, std::string stage, const StageContext& ctx);

  bool Has(const char* key) const { return node_.IsMap() && node_[key].IsDefined() && !node_[key].IsNull(); }
  std::optional<std::string> String(const char* key);
  std::string String(const char* key, const std::string& def) { return String(key).value_or(def); }
  std::optional<double> Double(const char* key);
  std::optional<int64_t> Int(const char* key);
  std::optional<bool> Bool(const char* key);
  // Go duration ("5s", "1m30s", "100ms").
  std::optional<int64_t> DurationNs(const char* key);
  std::vector<std::string> StringList(const char* key);
  // A map of string → string (null values become ""), in document order.
  std::vector<std::pair<std::string, std::string>> StringMap(const char* key);
  YAML::Node Node(const char* key) const { return node_.IsMap() ? node_[key] : YAML::Node(); }

  // Records `msg` against `key` (or the stage node when key is null).
  void Fail(const char* key, const std::string& msg);
  Status Error(const char* key, const std::string& msg) const;
  // Fails on keys not in `known`.
  void Only(std::initializer_list<const char*> known);
  Status Done() const { return err_; }
  bool ok() const { return err_.ok(); }

 private:
  YAML::Node node_;
  std::string stage_;
  const StageContext& ctx_;
  Status err_;
};

// `file:line` of a node (line is 1-based).
std::string Where(const std::string& file, const YAML::Node& n);

// Go's time.ParseDuration ("1h2m3.5s", "300ms", "1us", "-2s"); error like Go's.
Result<int64_t> ParseGoDuration(std::string_view s);

// Go's strconv.FormatFloat(v, 'f', -1, 64): the shortest decimal that round-trips, no exponent.
std::string FormatGoFloat(double v);

}  // namespace skald::pipeline
