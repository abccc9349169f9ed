// FakeStore: a real push receiver on a loopback port (httplib) for the client tests. Answers from a
// script (status + optional Retry-After), records every request's time and tenant, decodes 2xx ones.
#pragma once

#include <fmt/format.h>
#include <httplib.h>
#include <snappy.h>

#include <unistd.h>

#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "push.pb.h"

namespace skald::client::testing {

struct Received {
  std::string tenant, user_agent, content_type;
  logproto::PushRequest req;
};

struct Answer {
  int status = 204;
  std::string retry_after;  // sent as Retry-After when not empty
};

struct RequestRecord {
  int64_t mono_ns = 0;  // steady clock at arrival
  std::string tenant;
  int status = 0;
};

class FakeStore {
 public:
  // port 0: any free port; else that port (a store coming back where it was).
  explicit FakeStore(std::deque<Answer> script, Answer final_answer = {}, int port = 0)
      : script_(std::move(script)), final_(std::move(final_answer)) {
    srv_.Post("/loki/api/v1/push", [this](const httplib::Request& r, httplib::Response& res) { Handle(r, res); });
    port_ = port == 0 ? srv_.bind_to_any_port("127.0.0.1") : (srv_.bind_to_port("127.0.0.1", port) ? port : -1);
    th_ = std::thread([this] { srv_.listen_after_bind(); });
    // A stop() before the listen loop runs would be lost: return once it is listening.
    for (int i = 0; port_ > 0 && i < 2000 && !srv_.is_running(); ++i) ::usleep(1000);
  }
  explicit FakeStore(std::deque<int> codes = {}, int final_status = 204)
      : FakeStore(ToAnswers(codes), Answer{final_status, ""}) {}
  ~FakeStore() { Close(); }
  // Stops answering and closes the port (a store going away).
  void Close() {
    if (!th_.joinable()) return;
    srv_.stop();
    th_.join();
  }

  int port() const { return port_; }
  std::string url() const { return fmt::format("http://127.0.0.1:{}/loki/api/v1/push", port_); }
  int requests() { std::lock_guard<std::mutex> l(mu_); return static_cast<int>(log_.size()); }
  std::vector<RequestRecord> log() { std::lock_guard<std::mutex> l(mu_); return log_; }
  std::vector<Received> got() { std::lock_guard<std::mutex> l(mu_); return got_; }
  size_t entries() {
    size_t n = 0;
    for (auto& r : got()) for (auto& s : r.req.streams()) n += s.entries_size();
    return n;
  }

 private:
  static std::deque<Answer> ToAnswers(const std::deque<int>& codes) {
    std::deque<Answer> out;
    for (int c : codes) out.push_back({c, ""});
    return out;
  }
  void Handle(const httplib::Request& r, httplib::Response& res) {
    std::lock_guard<std::mutex> l(mu_);
    Answer a = final_;
    if (!script_.empty()) { a = script_.front(); script_.pop_front(); }
    log_.push_back({std::chrono::duration_cast<std::chrono::nanoseconds>(
                        std::chrono::steady_clock::now().time_since_epoch()).count(),
                    r.get_header_value("X-Scope-OrgID"), a.status});
    res.status = a.status;
    if (!a.retry_after.empty()) res.set_header("Retry-After", a.retry_after);
    if (a.status < 200 || a.status >= 300) return;
    std::string raw;
    Received rec{r.get_header_value("X-Scope-OrgID"), r.get_header_value("User-Agent"),
                 r.get_header_value("Content-Type"), {}};
    if (snappy::Uncompress(r.body.data(), r.body.size(), &raw) && rec.req.ParseFromString(raw)) {
      got_.push_back(std::move(rec));
    } else {
      res.status = 400;  // the test then sees a drop, never a silent pass
    }
  }

  httplib::Server srv_;
  int port_ = 0;
  std::thread th_;
  std::mutex mu_;
  std::deque<Answer> script_;
  Answer final_;
  std::vector<RequestRecord> log_;
  std::vector<Received> got_;
};

}  // namespace skald::client::testing
