// Live tail (see tail_handler.h): historic entries first, then every pushed entry that matches (on
// a read node also the write nodes' tails), batched into `{"streams":[..],"dropped_entries":[..]}`
// text frames every 100 ms.
#include "store/api/tail_handler.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "common/logger.h"
#include "common/metrics.h"
#include "common/logql/parser.h"
#include "store/api/live_tail_source.h"
#include "store/api/query_params.h"
#include "store/api/response_json.h"
#include "store/api/tail_buffer.h"
#include "common/http/websocket.h"
#include "store/query/engine.h"
#include "store/query/query_planner.h"

namespace skald::api {
namespace {

bool HeaderHas(const http::Request& req, const char* name, std::string_view token) {
  std::string v = req.get_header_value(name);
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  return v.find(token) != std::string::npos;
}

// The local store's feed: pushed entries run through the query's pipeline, one per stream.
struct LocalFeed {
  std::mutex mu;
  std::map<std::string, std::unique_ptr<query::StreamPipeline>> pipelines;   // guarded by mu
};

constexpr size_t kMaxQueuedEntries = 10000;
// Entries remembered for de-duplication when remote tails feed the session too.
constexpr size_t kDedupEntries = 32768;

std::string Message(const std::vector<TailedEntry>& batch,
                    const std::vector<std::pair<int64_t, LabelSet>>& dropped) {
  std::map<std::string, std::vector<const TailedEntry*>> by_stream;
  for (const auto& e : batch) by_stream[e.labels].push_back(&e);
  JsonWriter w;
  w.Raw("{").Key("streams").Raw("[");
  bool first = true;
  for (const auto& [k, es] : by_stream) {
    if (!first) w.Comma();
    first = false;
    w.Raw("{").Key("stream").Labels(es.front()->set).Comma().Key("values").Raw("[");
    for (size_t i = 0; i < es.size(); i++) {
      if (i) w.Comma();
      w.Raw("[").Str(std::to_string(es[i]->ts_ns)).Comma().Str(es[i]->line).Raw("]");
    }
    w.Raw("]}");
  }
  w.Raw("]");
  if (!dropped.empty()) {
    w.Comma().Key("dropped_entries").Raw("[");
    for (size_t i = 0; i < dropped.size(); i++) {
      if (i) w.Comma();
      w.Raw("{").Key("timestamp").Str(std::to_string(dropped[i].first)).Comma();
      w.Key("labels").Labels(dropped[i].second).Raw("}");
    }
    w.Raw("]");
  }
  w.Raw("}");
  return w.Take();
}

struct TailParams {
  std::string tenant;
  std::string query;
  int64_t delay_ns = 0;
  uint32_t limit = 100;
  int64_t start_ns = 0;
};

Result<TailParams> ReadTailParams(const QueryDeps& d, const http::Request& req) {
  TailParams p;
  // Loki answers a tail for several tenants (`a|b`) with 400: its live half cannot merge tenants.
  auto tenant = ReadSingleTenant(req, d.auth_enabled);
  if (!tenant.ok()) return tenant.status();
  p.tenant = *tenant;
  p.query = Param(req.params, "query");
  const int64_t now = NowNs(d);
  auto start = ParseApiTime(Param(req.params, "start"), now - 3600LL * 1000000000LL);
  if (!start.ok()) return start.status();
  p.start_ns = *start;
  if (std::string l = Param(req.params, "limit"); !l.empty()) {
    int64_t n = std::atoll(l.c_str());
    if (n <= 0) return Status::Invalid("limit must be a positive value");
    p.limit = static_cast<uint32_t>(n);
  }
  if (std::string df = Param(req.params, "delay_for"); !df.empty()) {
    int64_t n = std::atoll(df.c_str());
    if (n > 5) return Status::Invalid("delay_for can't be greater than 5");
    p.delay_ns = std::max<int64_t>(n, 0) * 1000000000LL;
  }
  return p;
}

std::atomic<int> g_active_tails{0};

struct TailMetrics {
  metrics::Gauge& active = metrics::Registry::Default().NewGauge(
      "skald_query_active_tails", "Live tail WebSocket sessions open.");
  metrics::Counter& rejected = metrics::Registry::Default().NewCounter(
      "skald_query_tail_rejected_total", "Tails closed at once: max_concurrent_tail_requests reached.");
  metrics::Counter& dropped = metrics::Registry::Default().NewCounter(
      "skald_query_tail_dropped_entries_total", "Tailed entries dropped because a session's queue was full.");
  metrics::Counter& duplicates = metrics::Registry::Default().NewCounter(
      "skald_query_tail_duplicate_entries_total",
      "Tailed entries left out as copies of ones already sent (read nodes: several write nodes, reconnects).");
};

TailMetrics& Metrics() {
  static TailMetrics m;
  return m;
}

// One live tail after the upgrade. Pushing threads fill its queue (Enqueue); the shared ticker
// drains it into frames (Tick); the server's network thread opens and closes it. No thread each.
class Session : public http::WebSocketHandler, public std::enable_shared_from_this<Session> {
 public:
  Session(QueryDeps deps, TailParams p, std::shared_ptr<const query::PipelineFactory> f, Matchers ms, bool peer)
      : deps_(std::move(deps)), p_(std::move(p)), factory_(std::move(f)), matchers_(std::move(ms)), peer_(peer) {}

  // On the handler's worker: subscribe first (nothing pushed after the history query is missed),
  // and on a read node open the write nodes' tails (never for a read node's own tail on this
  // node: no recursion); then run the history query. Its frames (or its error) wait for OnOpen.
  void Prepare() {
    auto* remote = dynamic_cast<LiveTailSource*>(deps_.reader);
    if (remote && (peer_ || !remote->FansOutTails())) remote = nullptr;
    // De-duplicate on a read node (several sources) and on a write node serving a read node's tail:
    // an entry pushed between Subscribe and the history query would otherwise go out twice on the
    // one connection, and the read node's per-source counts would take the second for a new line.
    buf_ = std::make_shared<TailBuffer>(kMaxQueuedEntries, (remote || peer_) ? kDedupEntries : 0);
    sub_ = deps_.reader->Subscribe(p_.tenant, [b = buf_, feed = feed_, f = factory_, ms = matchers_](
                                                  const LabelSet& ls, const LogEntry& e) {
      Enqueue(*b, *feed, *f, ms, ls, e);
    });
    if (remote) remote_ = remote->OpenTail({p_.tenant, p_.query, NowNs(deps_), p_.limit}, RemoteCallbacks(buf_));
    query::Engine engine(deps_.reader, query::EngineOptions{0, 0, 0, deps_.parallelism});
    query::QueryRequest r{p_.tenant, p_.query, p_.start_ns, NowNs(deps_) + 1, 0, 0, p_.limit,
                          Direction::kBackward, false, false};
    auto res = engine.Exec(r);
    if (!res.ok()) {
      error_ = res.status().message();
      return;
    }
    std::vector<TailedEntry> batch;
    for (const auto& s : res->streams) {
      for (const auto& e : s.entries) {
        // A remote tail may send it again later, or has queued it already (then it goes live).
        if (!buf_->Remember(s.labels, e.ts_ns, e.line)) continue;
        batch.push_back({s.labels.ToString(), s.labels, e.ts_ns, e.line, {}});
      }
    }
    history_ = Frames(batch, {});
    // A read node counts its tail here as up at the first frame (a refusal comes right after the
    // upgrade): say so at once even when there is no history.
    if (peer_ && history_.empty()) history_.push_back(R"({"streams":[],"dropped_entries":[]})");
  }

  void OnOpen(std::shared_ptr<http::WebSocketConn> conn) override {
    const int active = ++g_active_tails;
    Metrics().active.Inc();
    opened_ = true;
    const int max = deps_.limits.max_concurrent_tail_requests;
    if (max > 0 && active > max) {
      Metrics().rejected.Inc();
      SKALD_LOG(warn, "tail rejected: max_concurrent_tail_requests reached", {{"limit", max}});
      return conn->Close(1011, "max concurrent tail requests limit exceeded, count > limit (" +
                                   std::to_string(active) + " > " + std::to_string(max) + ")");
    }
    if (!error_.empty()) return conn->Close(1011, error_);
    for (auto& f : history_) conn->SendText(std::move(f));
    history_.clear();
    deadline_ = std::chrono::steady_clock::now() + std::chrono::nanoseconds(deps_.tail_max_duration_ns);
    {
      std::lock_guard<std::mutex> l(mu_);
      conn_ = std::move(conn);
    }
    Ticker::Get().Add(shared_from_this());
  }

  void OnClose() override {
    if (opened_) {
      --g_active_tails;
      Metrics().active.Dec();
    }
    std::shared_ptr<void> sub, remote;
    {
      std::lock_guard<std::mutex> l(mu_);
      conn_.reset();
      sub.swap(sub_);        // stop receiving pushes
      remote.swap(remote_);  // and close the write nodes' tails
    }
  }

  // On the ticker thread: false once the session is over (the ticker forgets it).
  bool Tick(std::chrono::steady_clock::time_point now) {
    std::shared_ptr<http::WebSocketConn> conn;
    {
      std::lock_guard<std::mutex> l(mu_);
      if (!conn_) return false;
      conn = conn_;
    }
    TailBuffer::Batch b = buf_->Drain(now - std::chrono::nanoseconds(p_.delay_ns));
    if (!b.fail.empty()) {
      conn->Close(1011, b.fail);
      return false;
    }
    if (now >= deadline_) {
      conn->Close(1011, "reached tail max duration limit");
      return false;
    }
    if (b.entries.empty() && b.dropped.empty()) return true;
    // A client that reads slower than entries arrive: report them as dropped, as Loki does.
    if (conn->queued_bytes() > kMaxQueuedBytes) {
      Metrics().dropped.Inc(static_cast<double>(b.entries.size()));
      for (auto& e : b.entries) b.dropped.emplace_back(e.ts_ns, std::move(e.set));
      b.entries.clear();
    }
    for (auto& f : Frames(b.entries, b.dropped)) conn->SendText(std::move(f));
    return true;
  }

 private:
  static constexpr size_t kMaxQueuedBytes = 8u << 20;

  // Every live session, drained every 100 ms by one thread.
  class Ticker {
   public:
    static Ticker& Get() {
      static Ticker t;
      return t;
    }
    void Add(std::shared_ptr<Session> s) {
      std::lock_guard<std::mutex> l(mu_);
      sessions_.push_back(std::move(s));
      if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
    }
    ~Ticker() {
      {
        std::lock_guard<std::mutex> l(mu_);
        stop_ = true;
      }
      cv_.notify_all();
      if (thread_.joinable()) thread_.join();
    }

   private:
    void Loop() {
      std::unique_lock<std::mutex> l(mu_);
      while (!stop_) {
        cv_.wait_for(l, std::chrono::milliseconds(100), [&] { return stop_; });
        std::vector<std::shared_ptr<Session>> live;
        live.swap(sessions_);
        l.unlock();
        const auto now = std::chrono::steady_clock::now();
        for (auto it = live.begin(); it != live.end();) it = (*it)->Tick(now) ? it + 1 : live.erase(it);
        l.lock();
        sessions_.insert(sessions_.end(), live.begin(), live.end());
      }
    }
    std::mutex mu_;
    std::condition_variable cv_;
    std::vector<std::shared_ptr<Session>> sessions_;  // guarded by mu_
    bool stop_ = false;                               // guarded by mu_
    std::thread thread_;
  };

  static void Counted(TailBuffer::Added a) {
    if (a == TailBuffer::Added::kDuplicate) Metrics().duplicates.Inc();
    if (a != TailBuffer::Added::kDropped) return;
    static std::atomic<int64_t> last_log{0};
    const int64_t now = std::chrono::steady_clock::now().time_since_epoch().count();
    if (now - last_log.load() > 10'000'000'000LL) {   // at most every 10 s
      last_log = now;
      SKALD_LOG(warn, "tail queue full: dropping entries", {{"queue", static_cast<int64_t>(kMaxQueuedEntries)}});
    }
    Metrics().dropped.Inc();
  }

  static void Enqueue(TailBuffer& b, LocalFeed& feed, const query::PipelineFactory& f, const Matchers& ms,
                      const LabelSet& ls, const LogEntry& e) {
    if (!MatchesAll(ms, ls)) return;
    LabelSet out_labels;
    std::string out_line;
    {
      std::lock_guard<std::mutex> l(feed.mu);
      auto& p = feed.pipelines[ls.ToString()];
      if (!p) p = f.ForStream(ls);
      EntryView v{e.ts_ns, e.line, e.metadata.empty() ? nullptr : &e.metadata};
      query::PipelineOutput out;
      if (!p->Process(v, &out)) return;
      out_labels = *out.labels;
      out_line.assign(out.line);
    }
    Counted(b.Add(kLocalSource, std::move(out_labels), e.ts_ns, std::move(out_line)));
  }

  // Entries from the write nodes' tails have been through the query's pipeline there already.
  static LiveTailCallbacks RemoteCallbacks(std::shared_ptr<TailBuffer> b) {
    LiveTailCallbacks cb;
    cb.entry = [b](uint64_t source, LabelSet ls, int64_t ts, std::string line) {
      Counted(b->Add(source, std::move(ls), ts, std::move(line)));
    };
    cb.dropped = [b](int64_t ts, LabelSet ls) { b->AddDropped(ts, std::move(ls)); };
    cb.fail = [b](std::string reason) { b->Fail(std::move(reason)); };
    return cb;
  }

  // Loki's tail messages: at most 100 entries each, oldest first; dropped entries in the first.
  static std::vector<std::string> Frames(std::vector<TailedEntry>& batch,
                                         const std::vector<std::pair<int64_t, LabelSet>>& dropped) {
    std::vector<std::string> frames;
    std::stable_sort(batch.begin(), batch.end(), [](const auto& a, const auto& b) { return a.ts_ns < b.ts_ns; });
    for (size_t i = 0; i < batch.size() || (i == 0 && !dropped.empty()); i += 100) {
      std::vector<TailedEntry> part(batch.begin() + i, batch.begin() + std::min(batch.size(), i + 100));
      frames.push_back(Message(part, i == 0 ? dropped : std::vector<std::pair<int64_t, LabelSet>>{}));
    }
    return frames;
  }

  QueryDeps deps_;
  TailParams p_;
  std::shared_ptr<const query::PipelineFactory> factory_;
  Matchers matchers_;
  bool peer_;   // a read node's tail on this node (kPeerTailHeader)
  std::shared_ptr<TailBuffer> buf_;
  std::shared_ptr<LocalFeed> feed_ = std::make_shared<LocalFeed>();
  std::mutex mu_;
  std::shared_ptr<void> sub_;     // guarded by mu_ after Prepare
  std::shared_ptr<void> remote_;  // the write nodes' tails (read nodes); guarded by mu_ after Prepare
  std::vector<std::string> history_;
  std::string error_;
  bool opened_ = false;
  std::chrono::steady_clock::time_point deadline_{};
  std::shared_ptr<http::WebSocketConn> conn_;  // guarded by mu_; null once closed
};

void Tail(const QueryDeps& d, const http::Request& req, http::Response& res) {
  auto p = ReadTailParams(d, req);
  if (!p.ok()) return WriteError(res, p.status());
  auto expr = logql::ParseLogSelector(p->query);
  if (!expr.ok()) return WriteError(res, expr.status());
  auto plan = query::PlanLogQuery(**expr);
  if (!plan.ok()) return WriteError(res, plan.status());
  if (!HeaderHas(req, "Upgrade", "websocket") || req.get_header_value("Sec-WebSocket-Key").empty()) {
    return WriteError(res, Status::Invalid("websocket: the client is not using the websocket protocol: 'upgrade' token not found in 'Connection' header"));
  }
  const std::string peer = req.get_header_value(kPeerTailHeader);
  if (!peer.empty() && peer == PeerTailId()) {   // this node is among its own write_nodes
    res.status = kPeerTailSelfStatus;
    return res.set_content("live tail of this node itself (it is listed in its own skald_cluster.write_nodes)",
                           "text/plain; charset=utf-8");
  }
  auto session = std::make_shared<Session>(d, std::move(*p), plan->pipeline, plan->matchers, !peer.empty());
  session->Prepare();
  res.websocket = std::move(session);
}

}  // namespace

void RegisterTailRoute(http::Router& server, const QueryDeps& deps) {
  server.Get("/loki/api/v1/tail", [deps](const http::Request& req, http::Response& res) {
    Tail(deps, req, res);
  }, http::RouteClass::kQuery);
  server.Get("/api/prom/tail", [deps](const http::Request& req, http::Response& res) {
    Tail(deps, req, res);
  }, http::RouteClass::kQuery);
}

}  // namespace skald::api
