// JSON encoding of read-API responses exactly as Loki 2.9 shapes them: streams / matrix / vector /
// scalar, ns-string stream timestamps, numeric sample times, Go-formatted sample values, stats.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/labels.h"
#include "store/query/query_result.h"

namespace skald::api {

// Minimal streaming JSON writer; the caller is responsible for well-formed nesting.
class JsonWriter {
 public:
  JsonWriter& Raw(std::string_view s) { out_.append(s); return *this; }
  JsonWriter& Str(std::string_view s);      // quoted, escaped; invalid UTF-8 → U+FFFD
  JsonWriter& Key(std::string_view k) { Str(k); out_.push_back(':'); return *this; }
  JsonWriter& Int(int64_t v) { out_.append(std::to_string(v)); return *this; }
  JsonWriter& Comma() { out_.push_back(','); return *this; }
  JsonWriter& Labels(const std::vector<Label>& ls);  // {"a":"b",...}
  JsonWriter& Labels(const LabelSet& ls) { return Labels(ls.labels()); }
  std::string& str() { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

// Unix ms as seconds, Prometheus model.Time.String(): `1700000000`, `1700000000.5`.
std::string FormatSampleTime(int64_t t_ms);

// `{"status":"success","data":{"resultType":..,["encodingFlags":..],"result":..,"stats":..}}`.
std::string EncodeQueryResponse(const query::QueryResult& r, bool categorize_labels);
// `{"status":"success","data":["a","b"]}`.
std::string EncodeStringList(const std::vector<std::string>& v);
// `{"status":"success","data":[{"k":"v"}]}`.
std::string EncodeSeries(const std::vector<LabelSet>& v);
void WriteStats(JsonWriter& w, const query::QueryStats& s);

}  // namespace skald::api
