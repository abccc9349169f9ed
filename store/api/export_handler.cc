// Export (see export_handler.h): an ExportCursor walks the selected streams one at a time (sorted by
// labels), each forward through StoreReader::Entries and the query's pipeline, filling ~64 KiB
// pieces that the chunked content provider sends as the client reads them.
#include "store/api/export_handler.h"

#include <algorithm>
#include <memory>

#include "common/logger.h"
#include "common/logql/parser.h"
#include "common/metrics.h"
#include "store/api/query_params.h"
#include "store/backup/export_line.h"
#include "store/backup/lz4_stream.h"
#include "store/query/query_planner.h"

namespace skald::api {
namespace {

constexpr size_t kPieceBytes = 64 * 1024;

struct ExportMetrics {
  metrics::CounterVec& requests = metrics::Registry::Default().NewCounterVec(
      "skald_export_requests_total", "Export requests by result (ok, error, aborted).", {"result"});
  metrics::Counter& entries =
      metrics::Registry::Default().NewCounter("skald_export_entries_total", "Entries written by the export API.");
  static ExportMetrics& Get() {
    static ExportMetrics m;
    return m;
  }
};

class ExportCursor {
 public:
  ExportCursor(StoreReader* r, std::string tenant, std::vector<StreamInfo> streams,
               std::shared_ptr<const query::PipelineFactory> pf, int64_t start, int64_t end)
      : reader_(r), tenant_(std::move(tenant)), streams_(std::move(streams)), pf_(std::move(pf)),
        start_(start), end_(end) {}

  // Appends up to ~kPieceBytes of lines; false once everything (or an error line) was written.
  bool Fill(std::string* out) {
    while (out->size() < kPieceBytes) {
      if (!it_ && !Open()) return false;
      if (!it_->Next()) {
        if (!it_->status().ok()) return Fail(it_->status(), out);
        it_.reset();
        continue;
      }
      const EntryView& e = it_->At();
      query::PipelineOutput po;
      if (!pipe_->Process(e, &po)) continue;
      backup::AppendExportLine(labels_, e.ts_ns, po.line, e.metadata, po.parsed, out);
      ++entries_;
    }
    return true;
  }
  int64_t entries() const { return entries_; }
  bool failed() const { return failed_; }

 private:
  bool Open() {
    if (next_ >= streams_.size()) return false;
    const StreamInfo& s = streams_[next_++];
    labels_ = s.labels.ToString();
    pipe_ = pf_->ForStream(s.labels);
    it_ = reader_->Entries(tenant_, s.id, start_, end_, Direction::kForward);
    return true;
  }
  bool Fail(const Status& st, std::string* out) {
    SKALD_LOG(error, "export failed mid-stream", {{"tenant", tenant_}, {"stream", labels_}, {"err", st.message()}});
    out->append("{\"error\":");
    backup::AppendJsonString(st.message(), out);
    out->append("}\n");
    failed_ = true;
    next_ = streams_.size();
    it_.reset();
    return false;
  }

  StoreReader* reader_;
  std::string tenant_;
  std::vector<StreamInfo> streams_;
  std::shared_ptr<const query::PipelineFactory> pf_;
  int64_t start_, end_;
  size_t next_ = 0;
  std::string labels_;
  std::unique_ptr<query::StreamPipeline> pipe_;
  std::unique_ptr<EntryIterator> it_;
  int64_t entries_ = 0;
  bool failed_ = false;
};

struct ExportParams {
  std::string tenant;
  int64_t start_ns = 0, end_ns = 0;
  bool lz4 = false;
};

Result<ExportParams> ReadParams(const QueryDeps& d, const http::Request& req) {
  ExportParams p;
  auto tenant = ReadSingleTenant(req, d.auth_enabled);   // one tenant at a time
  if (!tenant.ok()) return tenant.status();
  p.tenant = *tenant;
  const int64_t now = NowNs(d);
  auto end = ParseApiTime(Param(req.params, "end"), now);
  if (!end.ok()) return end.status();
  auto start = ParseApiTime(Param(req.params, "start"), *end - 3600LL * 1000000000LL);
  if (!start.ok()) return start.status();
  if (*end < *start) return Status::Invalid("end timestamp must not be before start time");
  p.start_ns = *start;
  p.end_ns = *end;
  std::string format = Param(req.params, "format");
  if (format != "" && format != "json" && format != "lz4") return Status::Invalid("format must be json or lz4");
  p.lz4 = format == "lz4";
  return p;
}

// Shared by the provider calls of one response.
struct ExportStream {
  std::unique_ptr<ExportCursor> cursor;
  std::unique_ptr<backup::Lz4FrameWriter> lz4;
  std::string piece, framed;
  bool finished = false;
};

bool Provide(ExportStream& s, http::DataSink& sink) {
  if (!sink.is_writable()) return false;
  s.piece.clear();
  bool more = s.cursor->Fill(&s.piece);
  const std::string* out = &s.piece;
  if (s.lz4) {
    s.framed.clear();
    if (!s.lz4->Write(s.piece, &s.framed).ok()) return false;
    if (!more && !s.lz4->Finish(&s.framed).ok()) return false;
    out = &s.framed;
  }
  if (!out->empty() && !sink.write(out->data(), out->size())) return false;
  if (!more) {
    s.finished = true;
    sink.done();
  }
  return true;
}

void Export(const QueryDeps& d, const http::Request& req, http::Response& res) {
  auto p = ReadParams(d, req);
  if (!p.ok()) return WriteError(res, p.status());
  auto expr = logql::ParseLogSelector(Param(req.params, "query"));
  if (!expr.ok()) return WriteError(res, expr.status());
  auto plan = query::PlanLogQuery(**expr);
  if (!plan.ok()) return WriteError(res, plan.status());
  auto streams = d.reader->Streams(p->tenant, plan->matchers, p->start_ns, p->end_ns);
  if (!streams.ok()) return WriteError(res, streams.status());
  std::vector<std::pair<std::string, StreamInfo>> keyed;
  for (auto& s : *streams) keyed.emplace_back(s.labels.ToString(), std::move(s));
  std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<StreamInfo> sorted;
  for (auto& k : keyed) sorted.push_back(std::move(k.second));
  auto st = std::make_shared<ExportStream>();
  st->cursor = std::make_unique<ExportCursor>(d.reader, p->tenant, std::move(sorted), plan->pipeline,
                                              p->start_ns, p->end_ns);
  if (p->lz4) st->lz4 = std::make_unique<backup::Lz4FrameWriter>();
  res.status = 200;
  res.set_chunked_content_provider(
      p->lz4 ? "application/x-lz4" : "application/x-ndjson",
      [st](size_t, http::DataSink& sink) { return Provide(*st, sink); },
      [st](bool) {
        const char* result = st->cursor->failed() ? "error" : st->finished ? "ok" : "aborted";
        ExportMetrics::Get().requests.WithLabelValues({result}).Inc();
        ExportMetrics::Get().entries.Inc(static_cast<double>(st->cursor->entries()));
        if (!st->finished) SKALD_LOG(warn, "export ended early", {{"result", result}, {"entries", st->cursor->entries()}});
      });
}

}  // namespace

void RegisterExportRoute(http::Router& server, const QueryDeps& deps) {
  auto h = [deps](const http::Request& req, http::Response& res) { Export(deps, req, res); };
  server.Get("/skald/api/v1/export", h);
  server.Post("/skald/api/v1/export", h);
}

}  // namespace skald::api
