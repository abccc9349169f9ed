// StreamCollector: label parsing and per-request merging of identical label sets.
#include "store/ingest/stream_collector.h"

namespace skald::ingest {

namespace {

// LabelSet::Parse reports `duplicate label name "x"`; returns x, or "" for other errors.
std::string DuplicateName(const std::string& msg) {
  static const std::string kKey = "duplicate label name \"";
  size_t p = msg.find(kKey);
  if (p == std::string::npos) return "";
  size_t start = p + kKey.size();
  size_t end = msg.find('"', start);
  return end == std::string::npos ? "" : msg.substr(start, end - start);
}

}  // namespace

Status StreamCollector::Add(std::string labels_text, std::vector<LogEntry>&& entries) {
  auto it = by_text_.find(labels_text);
  if (it != by_text_.end()) {
    auto& dst = streams_[it->second].entries;
    dst.insert(dst.end(), std::make_move_iterator(entries.begin()), std::make_move_iterator(entries.end()));
    return Status::Ok();
  }
  auto parsed = LabelSet::Parse(labels_text);
  if (!parsed.ok()) {
    std::string dup = DuplicateName(parsed.status().message());
    if (dup.empty()) return Status::Invalid("couldn't parse labels: " + parsed.status().message());
    RawStream rs;
    rs.labels_text = std::move(labels_text);
    rs.duplicate_label = std::move(dup);
    rs.entries = std::move(entries);
    streams_.push_back(std::move(rs));
    return Status::Ok();
  }
  std::string key = labels_text;
  size_t idx = Merge(std::move(labels_text), std::move(*parsed), std::move(entries));
  by_text_.emplace(std::move(key), idx);
  return Status::Ok();
}

void StreamCollector::AddParsed(std::string labels_text, LabelSet labels, std::vector<LogEntry>&& entries) {
  Merge(std::move(labels_text), std::move(labels), std::move(entries));
}

size_t StreamCollector::Merge(std::string labels_text, LabelSet labels, std::vector<LogEntry>&& entries) {
  uint64_t fp = labels.Fingerprint();
  auto range = by_fp_.equal_range(fp);
  for (auto it = range.first; it != range.second; ++it) {
    RawStream& s = streams_[it->second];
    if (s.labels == labels) {
      s.entries.insert(s.entries.end(), std::make_move_iterator(entries.begin()),
                       std::make_move_iterator(entries.end()));
      return it->second;
    }
  }
  RawStream rs;
  rs.labels_text = std::move(labels_text);
  rs.labels = std::move(labels);
  rs.entries = std::move(entries);
  streams_.push_back(std::move(rs));
  by_fp_.emplace(fp, streams_.size() - 1);
  return streams_.size() - 1;
}

}  // namespace skald::ingest
