// HttpServer (see http_server.h): the acceptor with its connection cap, the network threads, the
// worker pools, the default endpoints, and an orderly Stop().
#include "common/http/http_server.h"

#include <sys/resource.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <algorithm>
#include <optional>

#include "common/http/connection.h"
#include "common/http/server_core.h"
#include "common/logger.h"
#include "common/thread_slice.h"

namespace skald {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// Go raises the soft open-file limit to the hard one at start; so do we, and keep a reserve of
// descriptors for the store's own files (WAL, chunks, SQLite) out of the connection cap.
int DefaultMaxConnections() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 1000;
  if (rl.rlim_cur < rl.rlim_max) {
    rlimit want = rl;
    want.rlim_cur = std::min<rlim_t>(rl.rlim_max, 1u << 20);
    if (setrlimit(RLIMIT_NOFILE, &want) == 0) rl = want;
  }
  long cap = static_cast<long>(std::min<rlim_t>(rl.rlim_cur, 1u << 20)) - 256;
  return static_cast<int>(std::max(64L, cap));
}

http::ServerMetrics NewServerMetrics(metrics::Registry& r) {
  http::ServerMetrics m;
  m.requests = &r.NewCounterVec("skald_http_requests_total", "HTTP requests served, by status code.", {"status_code"});
  m.open_connections = &r.NewGauge("skald_http_open_connections", "Open HTTP connections, WebSocket sessions included.");
  m.connections_total = &r.NewCounter("skald_http_connections_accepted_total", "HTTP connections accepted.");
  m.connections_refused = &r.NewCounter("skald_http_connections_refused_total",
                                        "HTTP connections closed at once because the connection limit was reached.");
  m.timeouts = &r.NewCounterVec("skald_http_timeouts_total",
                                "HTTP connections closed by a timeout, by phase (read, idle, write).", {"phase"});
  m.queries_refused = &r.NewCounter("skald_query_queue_rejected_total",
                                    "Query requests answered 429 because the query queue was full.");
  m.cancelled = &r.NewCounter("skald_http_requests_cancelled_total",
                              "Requests whose client went away while the handler ran (the handler was told to stop).");
  m.tls_handshake_errors = &r.NewCounter("skald_http_tls_handshake_errors_total",
                                         "TLS handshakes that failed (bad or missing client certificate, old TLS "
                                         "version, not TLS, timeout).");
  return m;
}

}  // namespace

struct HttpServer::Impl {
  http::ServerCore core;  // declared first: outlives the io_context and what it holds
  asio::io_context ioc{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::steady_timer> retry;
  std::vector<std::thread> threads;
  int max_connections = 0;
  std::chrono::steady_clock::time_point last_limit_log{};

  void Accept();
  void OnAccept(boost::system::error_code ec, tcp::socket s);
};

void HttpServer::Impl::Accept() {
  acceptor->async_accept(asio::make_strand(ioc),
                         [this](boost::system::error_code ec, tcp::socket s) { OnAccept(ec, std::move(s)); });
}

void HttpServer::Impl::OnAccept(boost::system::error_code ec, tcp::socket s) {
  if (!acceptor->is_open() || ec == asio::error::operation_aborted) return;
  auto now = std::chrono::steady_clock::now();
  if (ec) {  // EMFILE, ENFILE, ENOBUFS: wait a little instead of spinning
    if (now - last_limit_log > std::chrono::seconds(10)) {
      last_limit_log = now;
      SKALD_LOG(warn, "http accept failed; retrying", {{"err", ec.message()}, {"open", core.open.load()}});
    }
    retry->expires_after(std::chrono::milliseconds(100));
    retry->async_wait([this](boost::system::error_code e) {
      if (!e) Accept();
    });
    return;
  }
  core.m.connections_total->Inc();
  if (core.open.load() >= max_connections) {
    core.m.connections_refused->Inc();
    if (now - last_limit_log > std::chrono::seconds(10)) {
      last_limit_log = now;
      SKALD_LOG(warn, "http connection limit reached; closing new connections",
                {{"limit", max_connections}, {"open", core.open.load()}});
    }
    boost::system::error_code ignore;
    s.close(ignore);
  } else {
    auto c = std::make_shared<http::Connection>(&core, std::move(s), core.tls ? core.tls->Current() : nullptr);
    asio::post(c->executor(), [c] { c->Start(); });
  }
  Accept();
}

HttpServer::HttpServer(HttpServerOptions opts, metrics::Registry* registry)
    : opts_(std::move(opts)),
      registry_(registry ? registry : &metrics::Registry::Default()),
      impl_(std::make_unique<Impl>()) {
  http::ServerLimits& l = impl_->core.limits;
  l.max_body_bytes = opts_.max_body_bytes;
  l.max_header_bytes = opts_.max_header_bytes;
  l.read_timeout = std::chrono::milliseconds(std::max<int64_t>(1, opts_.read_timeout_ms));
  l.write_timeout = std::chrono::milliseconds(std::max<int64_t>(1, opts_.write_timeout_ms));
  l.idle_timeout = std::chrono::milliseconds(std::max<int64_t>(1, opts_.idle_timeout_ms));
  impl_->core.m = NewServerMetrics(*registry_);
  InstallDefaultRoutes();
}

HttpServer::~HttpServer() { Stop(); }

http::Router& HttpServer::router() { return impl_->core.router; }

int HttpServer::open_connections() const { return impl_->core.open.load(); }

void HttpServer::InstallDefaultRoutes() {
  http::Router& r = impl_->core.router;
  r.Get("/ready", [this](const http::Request&, http::Response& res) {
    std::lock_guard<std::mutex> lock(mu_);
    std::string reason = ready_ ? "" : not_ready_reason_;
    for (size_t i = 0; i < readiness_checks_.size() && reason.empty(); ++i) reason = readiness_checks_[i]();
    if (reason.empty()) {
      res.set_content("ready\n", "text/plain; charset=utf-8");
    } else {
      res.status = 503;
      res.set_content("Not ready: " + reason + "\n", "text/plain; charset=utf-8");
    }
  }, http::RouteClass::kInline);
  r.Get("/metrics", [this](const http::Request&, http::Response& res) {
    std::string text = registry_->Expose();
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& fn : extra_exposition_) text += fn();
    res.set_content(text, metrics::kTextContentType);
  });
  r.Get("/config", [this](const http::Request& req, http::Response& res) {
    std::string mode = req.get_param_value("mode");
    std::lock_guard<std::mutex> lock(mu_);
    const std::string* text = &config_text_;
    if (mode == "defaults" && !config_defaults_.empty()) text = &config_defaults_;
    if (mode == "diff" && !config_defaults_.empty()) text = &config_diff_;
    res.set_content(*text, "text/plain; charset=utf-8");
  }, http::RouteClass::kInline);
}

Status HttpServer::Start() {
  if (running_.load()) return Status::Ok();
  Impl& im = *impl_;
  std::string host = opts_.address.empty() ? "0.0.0.0" : opts_.address;
  boost::system::error_code ec;
  tcp::endpoint ep;
  auto addr = asio::ip::make_address(host, ec);
  if (!ec) {
    ep = tcp::endpoint(addr, static_cast<unsigned short>(opts_.port));
  } else {
    tcp::resolver res(im.ioc);
    auto found = res.resolve(host, std::to_string(opts_.port), ec);
    if (ec || found.empty()) return Status::IOError("http server: cannot resolve " + host + ": " + ec.message());
    ep = *found.begin();
  }
  if (opts_.tls.enabled() && !im.core.tls) {
    Status s = http::TlsContext::Create(opts_.tls, registry_, std::chrono::milliseconds(opts_.tls_reload_check_ms),
                                        &im.core.tls);
    if (!s.ok()) return Status::Invalid("http server: " + s.message());
  }
  im.acceptor.emplace(im.ioc);
  im.acceptor->open(ep.protocol(), ec);
  // SO_REUSEADDR only: SO_REUSEPORT would let a second process silently share the port.
  if (!ec) im.acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) im.acceptor->bind(ep, ec);
  if (!ec) im.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    im.acceptor.reset();
    return Status::IOError("http server: cannot listen on " + host + ":" + std::to_string(opts_.port) + ": " +
                           ec.message());
  }
  port_.store(im.acceptor->local_endpoint().port());
  im.max_connections = opts_.max_connections > 0 ? opts_.max_connections : DefaultMaxConnections();
  int workers = opts_.thread_count > 0 ? opts_.thread_count
                                       : std::max(8, 2 * static_cast<int>(std::thread::hardware_concurrency()));
  int queries = opts_.query_concurrency > 0 ? opts_.query_concurrency : workers;
  im.core.workers = std::make_unique<http::WorkerPool>("http-worker", workers, size_t(opts_.max_queued_requests),
                                                       http::CpuPriority::kLatency);
  im.core.queries = std::make_unique<http::WorkerPool>("http-query", queries, size_t(opts_.max_queued_queries),
                                                       opts_.query_priority);
  if (opts_.ingest_threads > 0) {
    im.core.ingest = std::make_unique<http::WorkerPool>("http-ingest", opts_.ingest_threads,
                                                        size_t(opts_.max_queued_requests), http::CpuPriority::kIngest);
  }
  im.retry.emplace(im.ioc);
  im.work.emplace(im.ioc.get_executor());
  im.Accept();
  running_.store(true);
  for (int i = 0; i < std::max(1, opts_.io_threads); ++i) {
    im.threads.emplace_back([&im] {
      (void)RequestIngestPriority(2);   // a push's request is read and answered here
      im.ioc.run();
    });
    pthread_setname_np(im.threads.back().native_handle(), "http-io");
  }
  SKALD_LOG(info, "server listening on addresses",
            {{"http", host + ":" + std::to_string(port_.load())}, {"max_connections", im.max_connections},
             {"tls", im.core.tls ? "on" : "off"}});
  return Status::Ok();
}

void HttpServer::Stop() {
  if (!running_.exchange(false)) return;
  Impl& im = *impl_;
  im.core.stopping.store(true);
  asio::post(im.ioc, [&im] {
    boost::system::error_code ignore;
    im.acceptor->close(ignore);
    im.retry->cancel();
  });
  auto close_all = [&im](bool force) {
    std::vector<std::function<void(bool)>> closers;
    {
      std::lock_guard<std::mutex> l(im.core.mu);
      for (auto& [k, fn] : im.core.closers) closers.push_back(fn);
    }
    for (auto& fn : closers) fn(force);
  };
  close_all(false);  // idle ones close now; busy ones after their response
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (im.core.open.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (im.core.open.load() > 0) {
    close_all(true);  // cancel what still runs
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  im.work.reset();
  im.ioc.stop();
  for (auto& t : im.threads) t.join();
  im.threads.clear();
  im.core.workers->Stop();
  if (im.core.ingest) im.core.ingest->Stop();
  im.core.queries->Stop();
  im.ioc.restart();
  im.ioc.poll();  // runs what the workers posted last, so their connections are released here
}

void HttpServer::SetReady(bool ready, std::string not_ready_reason) {
  std::lock_guard<std::mutex> lock(mu_);
  ready_ = ready;
  not_ready_reason_ = std::move(not_ready_reason);
}

void HttpServer::AddReadinessCheck(std::function<std::string()> check) {
  std::lock_guard<std::mutex> lock(mu_);
  readiness_checks_.push_back(std::move(check));
}

void HttpServer::AddExposition(std::function<std::string()> fn) {
  std::lock_guard<std::mutex> lock(mu_);
  extra_exposition_.push_back(std::move(fn));
}

void HttpServer::SetConfigModes(std::string defaults, std::string diff) {
  std::lock_guard<std::mutex> lock(mu_);
  config_defaults_ = std::move(defaults);
  config_diff_ = std::move(diff);
}

void HttpServer::SetConfigText(std::string yaml) {
  std::lock_guard<std::mutex> lock(mu_);
  config_text_ = std::move(yaml);
}

}  // namespace skald
