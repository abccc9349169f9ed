// JSON push bodies: Loki's v1 shape (`stream` object + `values` [ts, line, {metadata}]) and the
// legacy /api/prom/push shape (`labels` text + `entries` {ts RFC3339Nano, line}), via simdjson.
#include <simdjson.h>

#include <algorithm>
#include <limits>

#include "common/time_util.h"
#include "store/ingest/push_decoder.h"
#include "store/ingest/stream_collector.h"

namespace skald::ingest {

namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

// jsonparser's messages, which Loki's entry decoder returns.
constexpr const char* kMalformedString = "Value is string, but can't find closing '\"' symbol";
constexpr const char* kMalformedObject = "Value looks like object, but can't find closing '}' symbol";
constexpr const char* kMalformedValue =
    "Value looks like Number/Boolean/None, but can't find its end: ',' or '}' symbol";
constexpr const char* kOverflow = "Value is number, but overflowed while parsing";

Result<int64_t> ParseNsString(std::string_view s) {
  bool neg = !s.empty() && s[0] == '-';
  size_t i = neg ? 1 : 0;
  if (i >= s.size()) return Status::Invalid(kMalformedValue);
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return Status::Invalid(kMalformedValue);
    if (v > (std::numeric_limits<uint64_t>::max() - 9) / 10) return Status::Invalid(kOverflow);
    v = v * 10 + static_cast<uint64_t>(s[i] - '0');
  }
  uint64_t lim = neg ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  if (v > lim) return Status::Invalid(kOverflow);
  return neg ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
}

// ["<ns>", "<line>", {"k":"v"}]; extra elements are ignored as Loki does.
Result<LogEntry> ParseValue(element v) {
  array arr;
  if (v.get_array().get(arr)) return Status::Invalid("Value is array, but can't find closing ']' symbol");
  LogEntry e;
  size_t i = 0;
  for (element x : arr) {
    std::string_view sv;
    if (i == 0) {
      if (x.get_string().get(sv)) return Status::Invalid(kMalformedString);
      auto ts = ParseNsString(sv);
      if (!ts.ok()) return ts.status();
      e.ts_ns = *ts;
    } else if (i == 1) {
      if (x.get_string().get(sv)) return Status::Invalid(kMalformedString);
      e.line.assign(sv);
    } else if (i == 2) {
      object md;
      if (x.get_object().get(md)) return Status::Invalid(kMalformedObject);
      for (auto field : md) {
        if (field.value.get_string().get(sv)) return Status::Invalid(kMalformedString);
        e.metadata.push_back({std::string(field.key), std::string(sv)});
      }
    }
    ++i;
  }
  return e;
}

// The `stream` object: a label set; Loki prints it sorted, Go-quoted, empty values kept.
Result<std::pair<std::string, LabelSet>> ParseStreamObject(const element* s) {
  std::vector<Label> labels;
  if (s != nullptr && !s->is_null()) {
    object obj;
    if (s->get_object().get(obj)) return Status::Invalid("stream: expect object of label values");
    for (auto field : obj) {
      std::string_view v;
      if (field.value.get_string().get(v)) return Status::Invalid("stream: label values must be strings");
      std::string name(field.key);
      auto it = std::find_if(labels.begin(), labels.end(), [&](const Label& l) { return l.name == name; });
      if (it != labels.end()) it->value.assign(v);
      else labels.push_back({std::move(name), std::string(v)});
    }
  }
  std::sort(labels.begin(), labels.end());
  std::string text = "{";
  bool bad_name = false;
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i) text += ", ";
    text += labels[i].name + "=" + GoQuote(labels[i].value);
    bad_name |= !IsValidLabelName(labels[i].name);
  }
  text += "}";
  if (bad_name) {
    auto parsed = LabelSet::Parse(text);
    return Status::Invalid("couldn't parse labels: " +
                           (parsed.ok() ? std::string("invalid label name") : parsed.status().message()));
  }
  return std::make_pair(std::move(text), LabelSet(std::move(labels)));
}

Status ParseV1Stream(element s, StreamCollector* col) {
  element labels_el, values_el;
  bool has_labels = !s["stream"].get(labels_el);
  auto labels = ParseStreamObject(has_labels ? &labels_el : nullptr);
  if (!labels.ok()) return labels.status();
  std::vector<LogEntry> entries;
  array values;
  if (!s["values"].get(values_el) && !values_el.is_null()) {
    if (values_el.get_array().get(values)) return Status::Invalid("values: expect array");
    for (element v : values) {
      auto e = ParseValue(v);
      if (!e.ok()) return e.status();
      entries.push_back(std::move(*e));
    }
  }
  col->AddParsed(std::move(labels->first), std::move(labels->second), std::move(entries));
  return Status::Ok();
}

Status ParseLegacyStream(element s, StreamCollector* col) {
  std::string_view text;
  if (s["labels"].get_string().get(text)) text = "{}";
  std::vector<LogEntry> entries;
  array arr;
  if (!s["entries"].get_array().get(arr)) {
    for (element e : arr) {
      std::string_view ts, line;
      if (e["ts"].get_string().get(ts)) return Status::Invalid("entries: ts must be an RFC3339Nano string");
      auto ns = ParseRFC3339InRange(ts);   // a clamped year-9999 time would be stored as 2262
      if (!ns.ok()) return ns.status();
      if (e["line"].get_string().get(line)) line = "";
      entries.push_back(LogEntry{*ns, std::string(line), {}});
    }
  }
  return col->Add(std::string(text), std::move(entries));
}

}  // namespace

Result<std::vector<RawStream>> DecodeJsonPush(std::string_view json, bool legacy) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  element doc;
  if (auto err = parser.parse(padded).get(doc); err)
    return Status::Invalid(std::string("malformed JSON push request: ") + simdjson::error_message(err));
  object root;
  if (doc.get_object().get(root)) return Status::Invalid("malformed JSON push request: expect an object");
  StreamCollector col;
  array streams;
  element streams_el;
  if (!root["streams"].get(streams_el) && !streams_el.is_null()) {
    if (streams_el.get_array().get(streams)) return Status::Invalid("streams: expect array");
    for (element s : streams) {
      if (s.is_null()) continue;
      if (!s.is_object()) return Status::Invalid("streams: expect array of objects");
      SKALD_RETURN_IF_ERROR(legacy ? ParseLegacyStream(s, &col) : ParseV1Stream(s, &col));
    }
  }
  return col.Take();
}

}  // namespace skald::ingest
