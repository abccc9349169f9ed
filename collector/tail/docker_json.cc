// json-file record decoding with simdjson On Demand (timestamps via common/time_util's RFC 3339
// parser) and partial-line joining.
#include "collector/tail/docker_json.h"

#include <simdjson.h>

#include "common/time_util.h"

namespace skald::tail {

std::string_view DockerStreamName(DockerStream s) {
  return s == DockerStream::kStderr ? "stderr" : "stdout";
}

struct DockerJsonDecoder::Impl {
  simdjson::ondemand::parser parser;
};

DockerJsonDecoder::DockerJsonDecoder() : impl_(std::make_unique<Impl>()) {}
DockerJsonDecoder::~DockerJsonDecoder() = default;

Result<bool> DockerJsonDecoder::Decode(std::string_view record, size_t readable, DockerMessage* out) {
  const char* data = record.data();
  if (readable < record.size() + simdjson::SIMDJSON_PADDING) {
    scratch_.assign(record);
    scratch_.resize(record.size() + simdjson::SIMDJSON_PADDING);
    data = scratch_.data();
    readable = scratch_.size();
  }
  std::string_view log, stream, time;
  bool have_log = false;
  try {
    auto doc = impl_->parser.iterate(data, record.size(), readable);
    auto obj = doc.get_object();
    for (auto field : obj) {
      std::string_view key = field.unescaped_key();
      if (key == "log") { log = field.value().get_string(); have_log = true; }
      else if (key == "stream") stream = field.value().get_string();
      else if (key == "time") time = field.value().get_string();
    }
  } catch (const simdjson::simdjson_error& e) {
    return Status::Corruption(std::string("json-file record: ") + e.what());
  }
  if (!have_log) return Status::Corruption("json-file record without \"log\"");
  auto ts = ParseRFC3339InRange(time);  // Go's RFC3339Nano parse; no wrap-around past 2262
  if (!ts.ok()) return ts.status();
  const int si = stream == "stderr" ? 1 : 0;
  std::string& part = partial_[si];
  const bool complete = !log.empty() && log.back() == '\n';
  if (complete) log.remove_suffix(1);
  if (!complete && part.size() + log.size() < max_joined_) {
    if (part.empty()) partial_ts_[si] = *ts;
    part.append(log);
    return false;
  }
  out->stream = static_cast<DockerStream>(si);
  if (part.empty()) {
    out->line = log;
    out->ts_ns = *ts;
  } else {
    part.append(log);
    scratch_.swap(part);
    part.clear();
    out->line = scratch_;
    out->ts_ns = partial_ts_[si];
  }
  if (complete && out->line.ends_with('\r')) out->line.remove_suffix(1);  // "\r\n" ends the line
  return true;
}

bool DockerJsonDecoder::TakePending(DockerStream stream, DockerMessage* out) {
  const int si = stream == DockerStream::kStderr ? 1 : 0;
  std::string& part = partial_[si];
  if (part.empty()) return false;
  scratch_.swap(part);
  part.clear();
  out->line = scratch_;
  out->ts_ns = partial_ts_[si];
  out->stream = stream;
  return true;
}

}  // namespace skald::tail
