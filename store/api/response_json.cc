// JSON encoding of read-API responses (see response_json.h).
#include "store/api/response_json.h"

#include <charconv>
#include <cmath>
#include <map>

#include "common/time_util.h"

namespace skald::api {
namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 if invalid.
size_t Utf8Len(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; k++) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  if (n == 2 && c < 0xC2) return 0;
  unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
  if (n == 3 && ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0))) return 0;
  if (n == 4 && ((c == 0xF0 && c1 < 0x90) || c > 0xF4 || (c == 0xF4 && c1 >= 0x90))) return 0;
  return n;
}

void WriteEntries(JsonWriter& w, const query::StreamResult& s, bool categorize) {
  w.Raw("[");
  for (size_t i = 0; i < s.entries.size(); i++) {
    const auto& e = s.entries[i];
    if (i) w.Comma();
    w.Raw("[").Str(std::to_string(e.ts_ns)).Comma().Str(e.line);
    if (categorize) {
      w.Raw(",{");
      if (!e.metadata.empty()) w.Key("structuredMetadata").Labels(e.metadata);
      if (!e.parsed.empty()) {
        if (!e.metadata.empty()) w.Comma();
        w.Key("parsed").Labels(e.parsed);
      }
      w.Raw("}");
    }
    w.Raw("]");
  }
  w.Raw("]");
}

void WriteResult(JsonWriter& w, const query::QueryResult& r, bool categorize) {
  using query::ResultType;
  switch (r.type) {
    case ResultType::kStreams:
      w.Raw("[");
      for (size_t i = 0; i < r.streams.size(); i++) {
        if (i) w.Comma();
        w.Raw("{").Key("stream").Labels(r.streams[i].labels).Comma().Key("values");
        WriteEntries(w, r.streams[i], categorize);
        w.Raw("}");
      }
      w.Raw("]");
      break;
    case ResultType::kMatrix:
      w.Raw("[");
      for (size_t i = 0; i < r.matrix.size(); i++) {
        if (i) w.Comma();
        w.Raw("{").Key("metric").Labels(r.matrix[i].metric).Comma().Key("values").Raw("[");
        const auto& pts = r.matrix[i].points;
        for (size_t j = 0; j < pts.size(); j++) {
          if (j) w.Comma();
          w.Raw("[").Raw(FormatSampleTime(pts[j].t_ms)).Comma().Str(FormatGoFloat(pts[j].v)).Raw("]");
        }
        w.Raw("]}");
      }
      w.Raw("]");
      break;
    case ResultType::kVector:
      w.Raw("[");
      for (size_t i = 0; i < r.vector.size(); i++) {
        const auto& s = r.vector[i];
        if (i) w.Comma();
        w.Raw("{").Key("metric").Labels(s.metric).Comma().Key("value").Raw("[");
        w.Raw(FormatSampleTime(s.t_ms)).Comma().Str(FormatGoFloat(s.v)).Raw("]}");
      }
      w.Raw("]");
      break;
    case ResultType::kScalar:
      w.Raw("[").Raw(FormatSampleTime(r.scalar.t_ms)).Comma().Str(FormatGoFloat(r.scalar.v));
      w.Raw("]");
      break;
  }
}

}  // namespace

JsonWriter& JsonWriter::Str(std::string_view s) {
  static const char* kHex = "0123456789abcdef";
  out_.push_back('"');
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      out_.push_back(static_cast<char>(c));
      i++;
    } else if (c == '"' || c == '\\') {
      out_.push_back('\\');
      out_.push_back(static_cast<char>(c));
      i++;
    } else if (c < 0x20) {
      if (c == '\n') out_.append("\\n");
      else if (c == '\r') out_.append("\\r");
      else if (c == '\t') out_.append("\\t");
      else out_.append("\\u00").push_back(kHex[c >> 4]), out_.push_back(kHex[c & 15]);
      i++;
    } else if (size_t n = Utf8Len(s, i); n > 0) {
      out_.append(s.substr(i, n));
      i += n;
    } else {
      out_.append("\xEF\xBF\xBD");
      i++;
    }
  }
  out_.push_back('"');
  return *this;
}

JsonWriter& JsonWriter::Labels(const std::vector<Label>& ls) {
  out_.push_back('{');
  for (size_t i = 0; i < ls.size(); i++) {
    if (i) out_.push_back(',');
    Key(ls[i].name).Str(ls[i].value);
  }
  out_.push_back('}');
  return *this;
}

std::string FormatSampleTime(int64_t t_ms) {
  return FormatGoFloat(static_cast<double>(t_ms) / 1000.0);
}

void WriteStats(JsonWriter& w, const query::QueryStats& s) {
  double secs = s.exec_time_s > 0 ? s.exec_time_s : 0;
  int64_t bps = secs > 0 ? static_cast<int64_t>(s.bytes_processed / secs) : 0;
  int64_t lps = secs > 0 ? static_cast<int64_t>(s.lines_processed / secs) : 0;
  w.Raw("{").Key("summary").Raw("{");
  w.Key("bytesProcessedPerSecond").Int(bps).Comma();
  w.Key("linesProcessedPerSecond").Int(lps).Comma();
  w.Key("totalBytesProcessed").Int(s.bytes_processed).Comma();
  w.Key("totalLinesProcessed").Int(s.lines_processed).Comma();
  w.Key("execTime").Raw(FormatGoFloat(secs)).Comma();
  w.Key("queueTime").Raw("0").Comma();
  w.Key("subqueries").Raw("0").Comma();
  w.Key("totalEntriesReturned").Int(s.entries_returned).Comma();
  w.Key("splits").Raw("0").Comma();
  w.Key("shards").Raw("0").Comma();
  w.Key("totalPostFilterLines").Int(s.lines_processed).Comma();
  w.Key("totalStructuredMetadataBytesProcessed").Raw("0");
  w.Raw("},").Key("querier").Raw("{").Key("store").Raw("{");
  w.Key("totalChunksRef").Raw("0").Comma().Key("totalChunksDownloaded").Raw("0").Comma();
  w.Key("chunksDownloadTime").Raw("0").Comma().Key("chunk").Raw("{");
  w.Key("headChunkBytes").Raw("0").Comma().Key("headChunkLines").Raw("0").Comma();
  w.Key("decompressedBytes").Int(s.bytes_processed).Comma();
  w.Key("decompressedLines").Int(s.lines_processed).Comma();
  w.Key("compressedBytes").Raw("0").Comma().Key("totalDuplicates").Raw("0");
  w.Raw("}}}}");
}

std::string EncodeQueryResponse(const query::QueryResult& r, bool categorize) {
  JsonWriter w;
  w.Raw("{").Key("status").Str("success").Comma();
  if (!r.warnings.empty()) {
    w.Key("warnings").Raw("[");
    for (size_t i = 0; i < r.warnings.size(); i++) {
      if (i) w.Comma();
      w.Str(r.warnings[i]);
    }
    w.Raw("],");
  }
  w.Key("data").Raw("{").Key("resultType").Str(query::ResultTypeName(r.type)).Comma();
  bool flags = categorize && r.type == query::ResultType::kStreams;
  if (flags) w.Key("encodingFlags").Raw("[").Str("categorize-labels").Raw("],");
  w.Key("result");
  WriteResult(w, r, flags);
  w.Comma().Key("stats");
  WriteStats(w, r.stats);
  w.Raw("}}");
  return w.Take();
}

std::string EncodeStringList(const std::vector<std::string>& v) {
  JsonWriter w;
  w.Raw("{").Key("status").Str("success").Comma().Key("data").Raw("[");
  for (size_t i = 0; i < v.size(); i++) {
    if (i) w.Comma();
    w.Str(v[i]);
  }
  w.Raw("]}");
  return w.Take();
}

std::string EncodeSeries(const std::vector<LabelSet>& v) {
  JsonWriter w;
  w.Raw("{").Key("status").Str("success").Comma().Key("data").Raw("[");
  for (size_t i = 0; i < v.size(); i++) {
    if (i) w.Comma();
    w.Labels(v[i]);
  }
  w.Raw("]}");
  return w.Take();
}

}  // namespace skald::api
