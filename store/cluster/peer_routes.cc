// The internal entries/series routes (see peer_routes.h, FORMAT.md): parameters, the stream
// selection, and a cursor that writes frames as it reads, stopping at the node's limits.
#include "store/cluster/peer_routes.h"

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <memory>

#include "common/logger.h"
#include "common/logql/parser.h"
#include "common/metrics.h"
#include "store/api/query_handlers.h"
#include "store/api/query_params.h"
#include "store/cluster/frame_format.h"

namespace skald::cluster {
namespace {

constexpr size_t kPieceBytes = 64 << 10;

metrics::CounterVec& Answers() {
  static auto& c = metrics::Registry::Default().NewCounterVec(
      "skald_cluster_peer_answers_total",
      "Internal entries/series answers to read nodes, by route and result (ok, limit, timeout, "
      "cancelled, error, aborted).", {"route", "result"});
  return c;
}

int64_t SystemNow() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

struct PeerQuery {
  std::string tenant;
  Matchers matchers;
  std::optional<LabelSet> exact;
  int64_t start_ns = 0, end_ns = 0;
  Direction dir = Direction::kBackward;
  uint64_t limit = 0, skip = 0;
};

Result<uint64_t> ParseCount(const api::ParamMap& p, const char* key) {
  std::string v = api::Param(p, key);
  if (v.empty()) return uint64_t{0};
  char* end = nullptr;
  unsigned long long n = std::strtoull(v.c_str(), &end, 10);
  if (*end != '\0' || v[0] == '-') return Status::Invalid(fmt::format("bad {}: {:?}", key, v));
  return static_cast<uint64_t>(n);
}

// Plain integer nanoseconds (not Loki's digit-count rule: small test timestamps stay ns).
Result<int64_t> ParseNs(const api::ParamMap& p, const char* key, int64_t def) {
  std::string v = api::Param(p, key);
  if (v.empty()) return def;
  char* end = nullptr;
  errno = 0;
  long long n = std::strtoll(v.c_str(), &end, 10);
  if (*end != '\0' || errno != 0) return Status::Invalid(fmt::format("bad {}: {:?} (want nanoseconds)", key, v));
  return static_cast<int64_t>(n);
}

Result<PeerQuery> ParsePeerQuery(const PeerRouteDeps& d, const http::Request& req, bool series) {
  PeerQuery q;
  auto tenant = api::ReadSingleTenant(req, d.auth_enabled);
  if (!tenant.ok()) return tenant.status();
  q.tenant = *tenant;
  const std::string labels = api::Param(req.params, "labels"), sel = api::Param(req.params, "query");
  if (!labels.empty()) {
    auto ls = LabelSet::Parse(labels);
    if (!ls.ok()) return ls.status();
    for (const auto& l : *ls) {
      auto m = Matcher::Make(MatchType::kEq, l.name, l.value);
      if (!m.ok()) return m.status();
      q.matchers.push_back(std::move(*m));
    }
    q.exact = std::move(*ls);
  } else if (!sel.empty() || !series) {
    auto ms = logql::ParseStreamSelector(sel);
    if (!ms.ok()) return ms.status();
    q.matchers = std::move(*ms);
  }
  const int64_t now = d.now_ns ? d.now_ns() : SystemNow();
  auto end = ParseNs(req.params, "end", now);
  if (!end.ok()) return end.status();
  auto start = ParseNs(req.params, "start", *end - 3600LL * 1000000000LL);
  if (!start.ok()) return start.status();
  q.start_ns = *start, q.end_ns = *end;
  auto dir = api::ParseDirection(api::Param(req.params, "direction"));
  if (!dir.ok()) return dir.status();
  q.dir = *dir;
  auto limit = ParseCount(req.params, "limit");
  if (!limit.ok()) return limit.status();
  auto skip = ParseCount(req.params, "skip");
  if (!skip.ok()) return skip.status();
  q.limit = *limit, q.skip = *skip;
  return q;
}

// Writes one answer's frames piece by piece; shared by the provider calls of one response.
class EntriesCursor {
 public:
  EntriesCursor(const PeerRouteDeps& d, PeerQuery q, std::vector<StreamInfo> streams, bool series,
                std::shared_ptr<const CancelFlag> cancel)
      : d_(d), q_(std::move(q)), streams_(std::move(streams)), series_(series), cancel_(std::move(cancel)) {
    if (d_.limits.query_timeout_ns > 0)
      deadline_ = std::chrono::steady_clock::now() + std::chrono::nanoseconds(d_.limits.query_timeout_ns);
  }

  // Appends about kPieceBytes of frames to *out; false once the last frame is in.
  bool Fill(std::string* out) {
    if (!header_) AppendHeader(*out), header_ = true;
    while (out->size() < kPieceBytes) {
      if (Status st = CheckLimits(); !st.ok()) return Fail(out, st);
      if (it_ != nullptr && it_->Next()) {
        const EntryView& e = it_->At();
        if (skipped_ < q_.skip) { skipped_++; continue; }
        if (q_.limit > 0 && sent_ >= q_.limit) return End(out, true);
        AppendEntry(*out, e.ts_ns, e.line, e.metadata);
        sent_++, bytes_ += static_cast<int64_t>(e.line.size());
        continue;
      }
      if (it_ != nullptr && !it_->status().ok()) return Fail(out, it_->status());
      it_.reset();
      if (next_ == streams_.size()) return End(out, false);
      const StreamInfo& s = streams_[next_++];
      AppendStream(*out, s.labels);
      if (!series_) it_ = d_.local->Entries(q_.tenant, s.id, q_.start_ns, q_.end_ns, q_.dir);
    }
    return true;
  }
  const std::string& result() const { return result_; }

 private:
  Status CheckLimits() const {
    if (cancel_ && cancel_->cancelled()) return Status(Code::kCancelled, "cancelled by the read node");
    if (deadline_ && std::chrono::steady_clock::now() > *deadline_)
      return Status(Code::kTimeout, "peer entries: query timeout (limits_config.query_timeout)");
    if (d_.limits.max_querier_bytes_read > 0 && bytes_ > d_.limits.max_querier_bytes_read)
      return Status::Invalid(fmt::format("query too large to execute on a single querier: (query: {} bytes, limit: {})",
                                         bytes_, d_.limits.max_querier_bytes_read));
    return Status::Ok();
  }
  bool End(std::string* out, bool more) {
    AppendEnd(*out, more);
    result_ = "ok";
    return false;
  }
  bool Fail(std::string* out, const Status& st) {
    AppendError(*out, api::HttpStatusFor(st.code()), st.message());
    result_ = st.code() == Code::kTimeout ? "timeout" : st.code() == Code::kCancelled ? "cancelled"
              : st.code() == Code::kInvalidArgument ? "limit" : "error";
    SKALD_LOG(warn, "peer answer stopped", {{"tenant", q_.tenant}, {"err", st.message()}, {"entries", sent_}});
    return false;
  }

  PeerRouteDeps d_;
  PeerQuery q_;
  std::vector<StreamInfo> streams_;
  bool series_;
  std::shared_ptr<const CancelFlag> cancel_;
  std::optional<std::chrono::steady_clock::time_point> deadline_;
  std::unique_ptr<EntryIterator> it_;
  size_t next_ = 0;
  uint64_t sent_ = 0, skipped_ = 0;
  int64_t bytes_ = 0;
  bool header_ = false;
  std::string result_ = "aborted";
};

void Serve(const PeerRouteDeps& d, const http::Request& req, http::Response& res, bool series) {
  const char* route = series ? "series" : "entries";
  auto q = ParsePeerQuery(d, req, series);
  if (!q.ok()) {
    Answers().WithLabelValues({route, "error"}).Inc();
    return api::WriteError(res, q.status());
  }
  auto streams = d.local->Streams(q->tenant, q->matchers, q->start_ns, q->end_ns);
  if (!streams.ok()) return api::WriteError(res, streams.status());
  if (q->exact) {
    std::erase_if(*streams, [&](const StreamInfo& s) { return !(s.labels == *q->exact); });
  }
  if (!series && d.limits.max_query_series > 0 && streams->size() > static_cast<size_t>(d.limits.max_query_series)) {
    Answers().WithLabelValues({route, "limit"}).Inc();
    SKALD_LOG(warn, "peer entries refused: too many streams", {{"tenant", q->tenant}, {"streams", streams->size()}});
    return api::WriteError(res, Status::Invalid(fmt::format(
        "maximum number of series ({}) reached for a single query", d.limits.max_query_series)));
  }
  std::sort(streams->begin(), streams->end(), [](const StreamInfo& a, const StreamInfo& b) { return a.labels < b.labels; });
  auto cur = std::make_shared<EntriesCursor>(d, std::move(*q), std::move(*streams), series, req.cancel);
  auto piece = std::make_shared<std::string>();
  res.status = 200;
  res.set_chunked_content_provider(
      kFrameContentType,
      [cur, piece](size_t, http::DataSink& sink) {
        if (!sink.is_writable()) return false;
        piece->clear();
        bool more = cur->Fill(piece.get());
        if (!piece->empty() && !sink.write(piece->data(), piece->size())) return false;
        if (!more) sink.done();
        return true;
      },
      [cur, route](bool) { Answers().WithLabelValues({route, cur->result()}).Inc(); });
}

}  // namespace

void RegisterPeerRoutes(http::Router& router, PeerRouteDeps deps) {
  router.Get(kEntriesPath, [deps](const http::Request& req, http::Response& res) { Serve(deps, req, res, false); },
             http::RouteClass::kQuery);
  router.Get(kSeriesPath, [deps](const http::Request& req, http::Response& res) { Serve(deps, req, res, true); },
             http::RouteClass::kQuery);
}

}  // namespace skald::cluster
