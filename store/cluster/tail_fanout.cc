// TailFanout (see tail_fanout.h): the shared tail I/O thread, the TLS context for wss:// write
// nodes, and per tail a group of PeerTails with the all-unavailable watchdog.
#include "store/cluster/tail_fanout.h"

#include <fmt/format.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <future>
#include <thread>

#include "common/logger.h"
#include "store/cluster/peer_tail.h"

namespace skald::cluster {
namespace {

namespace asio = boost::asio;

// Every peer tail of the process runs on this one thread (no thread per tail).
class TailIoThread {
 public:
  TailIoThread() : work_(asio::make_work_guard(io_)), thread_([this] { io_.run(); }) {}
  ~TailIoThread() {
    work_.reset();
    io_.stop();
    thread_.join();
  }
  asio::io_context& io() { return io_; }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::thread thread_;
};

asio::io_context& TailIo() {
  static TailIoThread t;
  return t.io();
}

Result<std::shared_ptr<asio::ssl::context>> MakeTlsContext(const PeerTlsConfig& t) {
  try {
    auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
    ctx->set_default_verify_paths();
    if (!t.ca_file.empty()) ctx->load_verify_file(t.ca_file);
    if (!t.cert_file.empty()) {
      ctx->use_certificate_chain_file(t.cert_file);
      ctx->use_private_key_file(t.key_file, asio::ssl::context::pem);
    }
    ctx->set_verify_mode(t.insecure_skip_verify ? asio::ssl::verify_none : asio::ssl::verify_peer);
    return ctx;
  } catch (const std::exception& e) {
    return Status::Invalid(std::string("skald_cluster.tls_config: ") + e.what());
  }
}

// One client tail's peer tails. Fields below `cb` are touched on the I/O thread only. The metrics
// are the registry's (TailFanout stops every group before it goes, and a stopped group never
// touches them).
struct Group : std::enable_shared_from_this<Group> {
  Group(asio::io_context& io, api::LiveTailCallbacks c, const TailFanout::Metrics& m, int64_t timeout_ns, bool tolerate)
      : cb(std::move(c)), open(m.open), failures(m.failures), ended(m.ended),
        timeout(std::chrono::nanoseconds(timeout_ns)), tolerate(tolerate), watchdog(io),
        last_up(std::chrono::steady_clock::now()) {}

  void SetUp(size_t i, bool up) {
    if (stopped || is_up[i] == up) return;
    is_up[i] = up;
    up ? open.Inc() : open.Dec();
    up_count += up ? 1 : -1;
    if (up_count == 0) last_up = std::chrono::steady_clock::now();
  }

  // Peer tail i reached this node itself: it is not waited for.
  void Self(size_t i) {
    if (stopped) return;
    SetUp(i, false);
    if (++selves == tails.size()) watchdog.cancel();   // nothing left to follow: the local feed only
  }
  bool AllSelf() const { return selves > 0 && selves == tails.size(); }

  void Watch() {
    if (tolerate || stopped || AllSelf()) return;
    watchdog.expires_after(std::chrono::milliseconds(500));
    watchdog.async_wait([g = shared_from_this()](boost::system::error_code ec) {
      if (ec || g->stopped || g->AllSelf()) return;
      if (g->up_count == 0 && std::chrono::steady_clock::now() - g->last_up > g->timeout) {
        g->ended.Inc();
        SKALD_LOG(warn, "live tail ended: no write node answered", {{"err", g->last_err}});
        g->cb.fail("no write node available for the live tail: " + g->last_err);
        return g->Stop();
      }
      g->Watch();
    });
  }

  void Stop() {
    if (stopped) return;
    for (size_t i = 0; i < is_up.size(); i++) SetUp(i, false);
    stopped = true;
    watchdog.cancel();
    for (auto& t : tails)
      if (t) t->Stop();
  }

  api::LiveTailCallbacks cb;
  metrics::Gauge& open;
  metrics::CounterVec& failures;
  metrics::Counter& ended;
  std::chrono::steady_clock::duration timeout;
  bool tolerate;
  std::vector<std::shared_ptr<PeerTail>> tails;   // set before the first event
  std::vector<bool> is_up;
  int up_count = 0;
  size_t selves = 0;                               // tails that reached this node itself
  bool stopped = false;
  asio::steady_timer watchdog;
  std::chrono::steady_clock::time_point last_up;   // when the last one went down (or the open)
  std::string last_err = "no write node answered yet";
};

// Runs `fn` on the I/O thread and waits for it (at most 5 s); inline when already there.
void RunOnIoAndWait(const std::function<void()>& fn) {
  auto& io = TailIo();
  if (io.get_executor().running_in_this_thread()) return fn();
  auto done = std::make_shared<std::promise<void>>();
  auto fut = done->get_future();
  asio::post(io, [fn, done] {
    fn();
    done->set_value();
  });
  if (fut.wait_for(std::chrono::seconds(5)) != std::future_status::ready)
    SKALD_LOG(error, "live tail fan-out: the I/O thread did not stop the tails within 5 s", {});
}

// What OpenTail returns: releasing it asks the I/O thread to stop the group and returns at once
// (it runs on the server's network thread, which must not block); the group, its tails and the
// session's callbacks live on in the handlers that hold them until those have finished.
struct Handle {
  std::shared_ptr<Group> g;
  ~Handle() {
    auto& io = TailIo();
    if (io.get_executor().running_in_this_thread()) g->Stop();
    else asio::post(io, [g = std::move(g)] { g->Stop(); });
  }
};

}  // namespace

TailFanout::Metrics::Metrics(metrics::Registry& r)
    : open(r.NewGauge("skald_cluster_peer_tails", "Live tails this read node holds open on write nodes.")),
      failures(r.NewCounterVec("skald_cluster_peer_tail_failures_total",
                               "Live tails on a write node that failed to open or broke (each is retried with backoff).",
                               {"node"})),
      ended(r.NewCounter("skald_cluster_tails_ended_unavailable_total",
                         "Client live tails ended because no write node answered for peer_timeout.")) {}

TailFanout::TailFanout(PeerSet* peers, TailFanoutOptions o)
    : peers_(peers), o_(std::move(o)), metrics_(o_.registry ? *o_.registry : metrics::Registry::Default()) {
  auto tls = MakeTlsContext(o_.cluster.tls);
  if (tls.ok()) tls_ = std::move(*tls);
  else SKALD_LOG(error, "live tails cannot reach https write nodes", {{"err", tls.status().message()}});
}

TailFanout::~TailFanout() {
  std::vector<std::shared_ptr<Group>> live;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (auto& w : groups_)
      if (auto g = w.lock()) live.push_back(std::static_pointer_cast<Group>(g));
    groups_.clear();
  }
  if (live.empty()) return;
  RunOnIoAndWait([live] {   // by value: a lambda that runs after a timed-out wait is still safe
    for (auto& g : live) g->Stop();
  });
}

std::shared_ptr<void> TailFanout::OpenTail(const api::LiveTailRequest& r, api::LiveTailCallbacks cb) {
  auto& io = TailIo();
  auto g = std::make_shared<Group>(io, std::move(cb), metrics_, o_.cluster.peer_timeout_ns,
                                   o_.cluster.tolerate_unavailable_write_nodes);
  std::vector<PeerTailOptions> starts;
  for (const Peer& p : peers_->Current()) {
    if (!p.error.empty() || (p.base_url.rfind("https://", 0) == 0 && !tls_)) {
      metrics_.failures.WithLabelValues({p.node}).Inc();
      const std::string err = p.error.empty() ? "no TLS context (see the start-up log)" : p.error;
      SKALD_LOG(warn, "write node not tailed", {{"node", p.node}, {"err", err}});
      g->last_err = fmt::format("{}: {}", p.node, err);
      continue;
    }
    PeerTailOptions po;
    po.peer = p;
    po.tenant = r.tenant;
    po.query = r.query;
    po.limit = r.limit;
    po.start_ns = r.start_ns;
    po.timeout_ns = o_.cluster.peer_timeout_ns;
    po.creds = o_.creds;
    po.tls = tls_;
    po.backoff_min_ns = o_.backoff_min_ns;
    po.backoff_max_ns = o_.backoff_max_ns;
    po.established_after_ns = o_.established_after_ns;
    po.peer_tail_id = o_.peer_tail_id.empty() ? api::PeerTailId() : o_.peer_tail_id;
    starts.push_back(std::move(po));
  }
  g->is_up.assign(starts.size(), false);
  g->tails.resize(starts.size());
  // Started on the I/O thread, so that no event reaches the group before its tails are in place.
  asio::post(io, [g, starts = std::move(starts), &io]() mutable {
    if (g->stopped) return;   // released (or the fan-out gone) before it started
    for (size_t i = 0; i < starts.size(); i++) {
      std::weak_ptr<Group> w = g;
      PeerTailEvents ev;
      ev.up = [w, i] {
        if (auto g = w.lock()) g->SetUp(i, true);
      };
      ev.down = [w, i, node = starts[i].peer.node](const std::string& err) {
        auto g = w.lock();
        if (!g || g->stopped) return;
        g->failures.WithLabelValues({node}).Inc();
        g->SetUp(i, false);
        g->last_err = fmt::format("{}: {}", node, err);
      };
      ev.frame = [w](uint64_t conn, TailFrame f) {
        auto g = w.lock();
        if (!g || g->stopped) return;
        for (auto& [ls, entries] : f.streams)
          for (auto& e : entries) g->cb.entry(conn, ls, e.ts_ns, std::move(e.line));
        for (auto& [ts, ls] : f.dropped) g->cb.dropped(ts, std::move(ls));
      };
      ev.self = [w, i] {
        if (auto g = w.lock()) g->Self(i);
      };
      g->tails[i] = StartPeerTail(io, std::move(starts[i]), std::move(ev));
    }
    g->Watch();
  });
  {
    std::lock_guard<std::mutex> l(mu_);
    std::erase_if(groups_, [](const std::weak_ptr<void>& w) { return w.expired(); });
    groups_.push_back(g);
  }
  auto h = std::make_shared<Handle>();
  h->g = std::move(g);
  return h;
}

}  // namespace skald::cluster
