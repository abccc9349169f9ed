// HttpServer wiring over cpp-httplib: default endpoints, Go-compatible 404, request counting, and
// a background listen thread that Stop() shuts down cleanly.
#include "common/http_server.h"

#include <algorithm>

#include "common/logger.h"

namespace skald {

HttpServer::HttpServer(HttpServerOptions opts, metrics::Registry* registry)
    : opts_(std::move(opts)),
      registry_(registry ? registry : &metrics::Registry::Default()),
      server_(std::make_unique<httplib::Server>()) {
  requests_ = &registry_->NewCounterVec("skald_http_requests_total",
                                        "HTTP requests served, by status code.", {"status_code"});
  InstallDefaultRoutes();
}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::InstallDefaultRoutes() {
  httplib::Server& s = *server_;
  s.set_payload_max_length(opts_.max_body_bytes);
  // httplib's default adds SO_REUSEPORT, which lets a second process silently share the port.
  s.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, reinterpret_cast<const void*>(&yes), sizeof(yes));
  });
  s.set_read_timeout(std::chrono::milliseconds(opts_.read_timeout_ms));
  s.set_write_timeout(std::chrono::milliseconds(opts_.write_timeout_ms));
  s.set_keep_alive_timeout(std::max<int64_t>(1, opts_.idle_timeout_ms / 1000));
  if (opts_.thread_count > 0) {
    int n = opts_.thread_count;
    s.new_task_queue = [n] { return new httplib::ThreadPool(size_t(n)); };
  }
  s.Get("/ready", [this](const httplib::Request&, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu_);
    if (ready_) {
      res.set_content("ready\n", "text/plain; charset=utf-8");
    } else {
      res.status = 503;
      res.set_content("Not ready: " + not_ready_reason_ + "\n", "text/plain; charset=utf-8");
    }
  });
  s.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    std::string text = registry_->Expose();
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& fn : extra_exposition_) text += fn();
    res.set_content(text, metrics::kTextContentType);
  });
  s.Get("/config", [this](const httplib::Request&, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu_);
    res.set_content(config_text_, "text/plain; charset=utf-8");
  });
  httplib::Server::HandlerWithResponse on_error = [](const httplib::Request&,
                                                    httplib::Response& res) {
    if (res.status == 404 && res.body.empty()) {
      res.set_content("404 page not found\n", "text/plain; charset=utf-8");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (res.status == 413 && res.body.empty()) {
      res.set_content("request body too large\n", "text/plain; charset=utf-8");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  };
  s.set_error_handler(on_error);
  s.set_logger([this](const httplib::Request&, const httplib::Response& res) {
    requests_->WithLabelValues({std::to_string(res.status)}).Inc();
  });
}

Status HttpServer::Start() {
  if (running_.load()) return Status::Ok();
  std::string host = opts_.address.empty() ? "0.0.0.0" : opts_.address;
  int port = opts_.port == 0 ? server_->bind_to_any_port(host)
                             : (server_->bind_to_port(host, opts_.port) ? opts_.port : -1);
  if (port <= 0) {
    return Status::IOError("http server: cannot listen on " + host + ":" +
                           std::to_string(opts_.port));
  }
  port_.store(port);
  running_.store(true);
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // stop() is a no-op until the listen loop runs, so make Stop() safe right after Start().
  for (int i = 0; i < 5000 && !server_->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  SKALD_LOG(info, "server listening on addresses", {{"http", host + ":" + std::to_string(port)}});
  return Status::Ok();
}

void HttpServer::Stop() {
  if (!running_.exchange(false)) return;
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

void HttpServer::SetReady(bool ready, std::string not_ready_reason) {
  std::lock_guard<std::mutex> lock(mu_);
  ready_ = ready;
  not_ready_reason_ = std::move(not_ready_reason);
}

void HttpServer::AddExposition(std::function<std::string()> fn) {
  std::lock_guard<std::mutex> lock(mu_);
  extra_exposition_.push_back(std::move(fn));
}

void HttpServer::SetConfigText(std::string yaml) {
  std::lock_guard<std::mutex> lock(mu_);
  config_text_ = std::move(yaml);
}

int ReadyProbeExitCode(std::string listen_address, int port) {
  if (listen_address.empty() || listen_address == "0.0.0.0" || listen_address == "::") listen_address = "127.0.0.1";
  return HttpGetStatus(listen_address, port, "/ready", 5000) == 200 ? 0 : 1;
}

int HttpGetStatus(const std::string& host, int port, const std::string& path, int timeout_ms,
                  std::string* body) {
  httplib::Client cli(host, port);
  auto t = std::chrono::milliseconds(timeout_ms);
  cli.set_connection_timeout(t);
  cli.set_read_timeout(t);
  cli.set_write_timeout(t);
  auto res = cli.Get(path);
  if (!res) return 0;
  if (body) *body = res->body;
  return res->status;
}

}  // namespace skald
