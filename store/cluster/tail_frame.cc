// Tail message decoding with simdjson (see tail_frame.h).
#include "store/cluster/tail_frame.h"

#include <simdjson.h>

#include <charconv>

namespace skald::cluster {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

Result<int64_t> ParseNs(element e) {
  std::string_view s;
  if (e.get_string().get(s)) return Status::Invalid("tail frame: a timestamp is not a string");
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return Status::Invalid("tail frame: bad timestamp " + std::string(s));
  return v;
}

Result<LabelSet> ParseLabelsValue(element e) {
  std::string_view text;
  if (!e.get_string().get(text)) return LabelSet::Parse(text);
  object obj;
  if (e.get_object().get(obj)) return Status::Invalid("tail frame: labels are neither an object nor a string");
  std::vector<Label> labels;
  for (auto field : obj) {
    std::string_view v;
    if (field.value.get_string().get(v)) return Status::Invalid("tail frame: a label value is not a string");
    labels.push_back({std::string(field.key), std::string(v)});
  }
  return LabelSet(std::move(labels));
}

Status ParseStream(element s, TailFrame* out) {
  element labels, values;
  if (s["stream"].get(labels) || s["values"].get(values))
    return Status::Invalid("tail frame: a stream without stream or values");
  auto ls = ParseLabelsValue(labels);
  if (!ls.ok()) return ls.status();
  array vals;
  if (values.get_array().get(vals)) return Status::Invalid("tail frame: values is not an array");
  std::vector<TailFrame::Entry> entries;
  for (element v : vals) {
    array pair;
    element ts, line;
    if (v.get_array().get(pair) || pair.at(0).get(ts) || pair.at(1).get(line))
      return Status::Invalid("tail frame: a value is not [ts, line]");
    auto ns = ParseNs(ts);
    if (!ns.ok()) return ns.status();
    std::string_view text;
    if (line.get_string().get(text)) return Status::Invalid("tail frame: a line is not a string");
    entries.push_back({*ns, std::string(text)});
  }
  out->streams.emplace_back(std::move(*ls), std::move(entries));
  return Status::Ok();
}

}  // namespace

Result<TailFrame> ParseTailFrame(std::string_view json) {
  simdjson::dom::parser parser;
  element doc;
  if (parser.parse(json.data(), json.size()).get(doc)) return Status::Invalid("tail frame: not JSON");
  TailFrame out;
  array streams;
  if (!doc["streams"].get_array().get(streams)) {
    for (element s : streams) SKALD_RETURN_IF_ERROR(ParseStream(s, &out));
  }
  array dropped;
  if (!doc["dropped_entries"].get_array().get(dropped)) {
    for (element d : dropped) {
      element ts, labels;
      if (d["timestamp"].get(ts) || d["labels"].get(labels))
        return Status::Invalid("tail frame: a dropped entry without timestamp or labels");
      auto ns = ParseNs(ts);
      if (!ns.ok()) return ns.status();
      auto ls = ParseLabelsValue(labels);
      if (!ls.ok()) return ls.status();
      out.dropped.emplace_back(*ns, std::move(*ls));
    }
  }
  return out;
}

}  // namespace skald::cluster
