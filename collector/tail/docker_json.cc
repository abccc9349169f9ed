// json-file record decoding with simdjson On Demand, RFC 3339 timestamps and partial-line joining.
#include "collector/tail/docker_json.h"

#include <simdjson.h>

#include "common/time_util.h"

namespace skald::tail {

namespace {
bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}
}  // namespace

Result<int64_t> ParseRfc3339Nano(std::string_view s) {
  int y, mo, d, h, mi, sec;
  if (!Digits(s, 0, 4, &y) || s.size() < 20 || s[4] != '-' || !Digits(s, 5, 2, &mo) || s[7] != '-' ||
      !Digits(s, 8, 2, &d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !Digits(s, 11, 2, &h) || s[13] != ':' || !Digits(s, 14, 2, &mi) || s[16] != ':' ||
      !Digits(s, 17, 2, &sec) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
      sec > 60) {
    return Status::Invalid("bad RFC3339 timestamp: " + std::string(s));
  }
  size_t i = 19;
  int64_t nanos = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    int digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (digits < 9) { nanos = nanos * 10 + (s[i] - '0'); ++digits; }
      ++i;
    }
    if (digits == 0) return Status::Invalid("bad RFC3339 fraction: " + std::string(s));
    for (; digits < 9; ++digits) nanos *= 10;
  }
  int64_t offset_s = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int oh, om;
    if (!Digits(s, i + 1, 2, &oh) || i + 3 >= s.size() || s[i + 3] != ':' || !Digits(s, i + 4, 2, &om)) {
      return Status::Invalid("bad RFC3339 offset: " + std::string(s));
    }
    offset_s = (s[i] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
    i += 6;
  } else {
    return Status::Invalid("RFC3339 timestamp without zone: " + std::string(s));
  }
  if (i != s.size()) return Status::Invalid("trailing bytes in timestamp: " + std::string(s));
  int64_t secs = DaysFromCivilDate(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset_s;
  return secs * 1000000000LL + nanos;
}

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
  auto ts = ParseRfc3339Nano(time);
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
  return true;
}

}  // namespace skald::tail
