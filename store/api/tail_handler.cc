// Live tail (see tail_handler.h): historic entries first, then every pushed entry that matches,
// batched into `{"streams":[..],"dropped_entries":[..]}` text frames, with a ping every second.
#include "store/api/tail_handler.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>

#include "common/logger.h"
#include "common/metrics.h"
#include "common/logql/parser.h"
#include "store/api/query_params.h"
#include "store/api/response_json.h"
#include "store/api/websocket.h"
#include "store/query/engine.h"
#include "store/query/query_planner.h"

namespace skald::api {
namespace {

bool HeaderHas(const httplib::Request& req, const char* name, std::string_view token) {
  std::string v = req.get_header_value(name);
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  return v.find(token) != std::string::npos;
}

struct TailedEntry {
  std::string labels;
  LabelSet set;
  int64_t ts_ns;
  std::string line;
};

// Shared between the pushing threads (producer) and the session thread (consumer).
struct TailQueue {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<TailedEntry> entries;
  std::vector<std::pair<int64_t, LabelSet>> dropped;
  std::map<std::string, std::unique_ptr<query::StreamPipeline>> pipelines;
  static constexpr size_t kMax = 10000;
};

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
  int fd = -1;  // the connection's socket, for reading client frames
};

Result<TailParams> ReadTailParams(const QueryDeps& d, const httplib::Request& req) {
  TailParams p;
  auto tenant = ReadTenant(req, d.auth_enabled);
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
};

TailMetrics& Metrics() {
  static TailMetrics m;
  return m;
}

// The session: runs on the server thread inside the content provider until the client goes away.
class Session {
 public:
  Session(QueryDeps deps, TailParams p, std::shared_ptr<const query::PipelineFactory> f, Matchers ms)
      : deps_(std::move(deps)), p_(std::move(p)), factory_(std::move(f)), matchers_(std::move(ms)) {}

  void Run(httplib::DataSink& sink) {
    int active = ++g_active_tails;
    Metrics().active.Inc();
    auto write = [&](const std::string& frame) { return sink.write(frame.data(), frame.size()); };
    const int max = deps_.limits.max_concurrent_tail_requests;
    if (max > 0 && active > max) {
      Metrics().rejected.Inc();
      SKALD_LOG(warn, "tail rejected: max_concurrent_tail_requests reached", {{"limit", max}});
      write(EncodeWsClose(1011, "max concurrent tail requests limit exceeded, count > limit (" +
                                    std::to_string(active) + " > " + std::to_string(max) + ")"));
    } else {
      Stream(sink, write);
    }
    --g_active_tails;
    Metrics().active.Dec();
    sink.done();
  }

 private:
  template <typename W>
  void Stream(httplib::DataSink& sink, W& write) {
    auto q = std::make_shared<TailQueue>();
    auto sub = deps_.reader->Subscribe(p_.tenant.substr(0, p_.tenant.find('|')),
                                       [q, f = factory_, ms = matchers_](const LabelSet& ls, const LogEntry& e) {
                                         Enqueue(*q, *f, ms, ls, e);
                                       });
    if (!SendHistory(write)) return;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::nanoseconds(deps_.tail_max_duration_ns);
    auto next_ping = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    ClientFrames client(p_.fd);
    while (sink.is_writable()) {
      std::string reply;
      bool open = client.Poll(&reply);
      if (!reply.empty() && !write(reply)) return;
      if (!open) return;
      std::vector<TailedEntry> batch;
      std::vector<std::pair<int64_t, LabelSet>> dropped;
      {
        std::unique_lock<std::mutex> l(q->mu);
        q->cv.wait_for(l, std::chrono::milliseconds(p_.fd >= 0 ? 100 : 1000),
                       [&] { return !q->entries.empty(); });
        if (p_.delay_ns > 0 && !q->entries.empty()) {
          l.unlock();
          std::this_thread::sleep_for(std::chrono::nanoseconds(p_.delay_ns));
          l.lock();
        }
        while (!q->entries.empty()) batch.push_back(std::move(q->entries.front())), q->entries.pop_front();
        dropped.swap(q->dropped);
      }
      if (!SendBatches(write, batch, dropped)) return;
      if (std::chrono::steady_clock::now() >= next_ping) {
        if (!write(EncodeWsFrame(WsOpcode::kPing, ""))) return;
        next_ping += std::chrono::seconds(1);
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        write(EncodeWsClose(1011, "reached tail max duration limit"));
        return;
      }
    }
  }

  static void Enqueue(TailQueue& q, const query::PipelineFactory& f, const Matchers& ms,
                      const LabelSet& ls, const LogEntry& e) {
    if (!MatchesAll(ms, ls)) return;
    std::lock_guard<std::mutex> l(q.mu);
    std::string key = ls.ToString();
    auto& p = q.pipelines[key];
    if (!p) p = f.ForStream(ls);
    EntryView v{e.ts_ns, e.line, e.metadata.empty() ? nullptr : &e.metadata};
    query::PipelineOutput out;
    if (!p->Process(v, &out)) return;
    if (q.entries.size() >= TailQueue::kMax) {
      if (q.dropped.empty()) SKALD_LOG(warn, "tail queue full: dropping entries", {{"queue", static_cast<int64_t>(TailQueue::kMax)}});
      Metrics().dropped.Inc();
      q.dropped.emplace_back(e.ts_ns, *out.labels);
      return;
    }
    q.entries.push_back({out.labels->ToString(), *out.labels, e.ts_ns, std::string(out.line)});
    q.cv.notify_one();
  }

  template <typename W>
  bool SendHistory(W& write) {
    query::Engine engine(deps_.reader, query::EngineOptions{0, 0, 0, deps_.parallelism});
    query::QueryRequest r{p_.tenant, p_.query, p_.start_ns, NowNs(deps_) + 1, 0, 0, p_.limit,
                          Direction::kBackward, false, false};
    auto res = engine.Exec(r);
    if (!res.ok()) {
      write(EncodeWsClose(1011, res.status().message()));
      return false;
    }
    std::vector<TailedEntry> batch;
    for (const auto& s : res->streams) {
      for (const auto& e : s.entries) batch.push_back({s.labels.ToString(), s.labels, e.ts_ns, e.line});
    }
    return SendBatches(write, batch, {});
  }

  template <typename W>
  static bool SendBatches(W& write, std::vector<TailedEntry>& batch,
                          const std::vector<std::pair<int64_t, LabelSet>>& dropped) {
    std::stable_sort(batch.begin(), batch.end(), [](const auto& a, const auto& b) { return a.ts_ns < b.ts_ns; });
    for (size_t i = 0; i < batch.size() || (i == 0 && !dropped.empty()); i += 100) {
      std::vector<TailedEntry> part(batch.begin() + i, batch.begin() + std::min(batch.size(), i + 100));
      if (!write(EncodeWsFrame(WsOpcode::kText, Message(part, i == 0 ? dropped : decltype(dropped){})))) return false;
    }
    return true;
  }

  QueryDeps deps_;
  TailParams p_;
  std::shared_ptr<const query::PipelineFactory> factory_;
  Matchers matchers_;
};

void Tail(const QueryDeps& d, const httplib::Request& req, httplib::Response& res) {
  auto p = ReadTailParams(d, req);
  if (!p.ok()) return WriteError(res, p.status());
  auto expr = logql::ParseLogSelector(p->query);
  if (!expr.ok()) return WriteError(res, expr.status());
  auto plan = query::PlanLogQuery(**expr);
  if (!plan.ok()) return WriteError(res, plan.status());
  std::string key = req.get_header_value("Sec-WebSocket-Key");
  if (!HeaderHas(req, "Upgrade", "websocket") || key.empty()) {
    return WriteError(res, Status::Invalid("websocket: the client is not using the websocket protocol: 'upgrade' token not found in 'Connection' header"));
  }
  p->fd = FindConnectionFd(req);
  res.status = 101;
  res.set_header("Upgrade", "websocket");
  res.set_header("Connection", "Upgrade");
  res.set_header("Sec-WebSocket-Accept", WebSocketAccept(key));
  auto session = std::make_shared<Session>(d, std::move(*p), plan->pipeline, plan->matchers);
  res.set_content_provider("application/octet-stream", [session](size_t, httplib::DataSink& sink) {
    session->Run(sink);
    return true;
  });
}

}  // namespace

void RegisterTailRoute(httplib::Server& server, const QueryDeps& deps) {
  server.Get("/loki/api/v1/tail", [deps](const httplib::Request& req, httplib::Response& res) {
    Tail(deps, req, res);
  });
  server.Get("/api/prom/tail", [deps](const httplib::Request& req, httplib::Response& res) {
    Tail(deps, req, res);
  });
}

}  // namespace skald::api
