// Remote-write encoding (labels sorted by name as the spec requires) and delivery with the
// headers Prometheus receivers check: Content-Encoding snappy, X-Prometheus-Remote-Write-Version.
#include "store/ruler/remote_writer.h"

#include <snappy.h>

#include "remote_write.pb.h"

namespace skald::ruler {

std::string EncodeRemoteWrite(const std::vector<RecordedSample>& samples, const StringPairs& external_labels) {
  prometheus::WriteRequest req;
  for (const RecordedSample& s : samples) {
    LabelSet labels = s.labels;
    for (const auto& [k, v] : external_labels)
      if (!labels.Has(k)) labels.Set(k, v);
    prometheus::TimeSeries* ts = req.add_timeseries();
    for (const Label& l : labels) {  // LabelSet is sorted by name
      prometheus::Label* pl = ts->add_labels();
      pl->set_name(l.name);
      pl->set_value(l.value);
    }
    prometheus::Sample* ps = ts->add_samples();
    ps->set_value(s.value);
    ps->set_timestamp(s.t_ms);
  }
  std::string raw = req.SerializeAsString(), out;
  snappy::Compress(raw.data(), raw.size(), &out);
  return out;
}

RemoteWriter::RemoteWriter(RemoteWriterOptions opts, metrics::Registry* registry) : opts_(std::move(opts)) {
  for (const std::string& url : opts_.urls) {
    if (url.empty()) continue;
    SenderOptions so;
    so.url = url;
    so.content_type = "application/x-protobuf";
    so.headers = {{"Content-Encoding", "snappy"}, {"X-Prometheus-Remote-Write-Version", "0.1.0"},
                  {"User-Agent", "skald-ruler"}};
    so.headers.insert(so.headers.end(), opts_.headers.begin(), opts_.headers.end());
    so.timeout_ns = opts_.timeout_ns;
    so.capacity = opts_.capacity;
    so.metric_prefix = "skald_ruler_remote_write";
    senders_.push_back(std::make_unique<PayloadSender>(std::move(so), registry));
  }
  samples_ = &registry->NewCounter("skald_ruler_remote_write_samples_total",
                                   "Recording-rule samples queued for remote write.");
}

void RemoteWriter::Start() {
  for (auto& s : senders_) s->Start();
}

void RemoteWriter::Stop() {
  for (auto& s : senders_) s->Stop();
}

void RemoteWriter::Write(const std::string& tenant, const std::vector<RecordedSample>& samples,
                         const StringPairs& external_labels) {
  if (samples.empty() || senders_.empty()) return;
  std::string body = EncodeRemoteWrite(samples, external_labels);
  Headers extra;
  if (opts_.add_org_id_header) extra.emplace_back("X-Scope-OrgID", tenant);
  for (auto& s : senders_) s->Enqueue(body, extra);
  samples_->Inc(double(samples.size()));
}

}  // namespace skald::ruler
