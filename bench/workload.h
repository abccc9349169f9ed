// A seeded, realistic mixed-log generator for benchmarks: access logs, logfmt, JSON app logs, Java
// stack traces and plain text (~160 bytes a line) over N streams. Same seed → same bytes everywhere.
#pragma once

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "common/log_entry.h"

namespace skald::bench {

class Workload {
 public:
  enum Kind { kAccess, kLogfmt, kJson, kStack, kPlain, kKinds };

  explicit Workload(uint64_t seed = 42, int streams = 100, int64_t start_ns = 1700000000000000000LL)
      : rng_(seed ? seed : 1) {
    static const char* kApps[] = {"nginx", "api", "checkout", "payments", "auth", "search", "cart", "worker", "billing", "gateway"};
    for (int i = 0; i < streams; ++i) {
      Stream s;
      s.kind = static_cast<Kind>(i % kKinds);
      std::string app = kApps[i % 10];
      s.labels = LabelSet({{"app", app}, {"env", i % 3 ? "prod" : "staging"},
                           {"namespace", "team-" + std::to_string(i % 7)},
                           {"pod", app + "-" + Hex(8) + "-" + std::to_string(i)}, {"job", "default/" + app}});
      s.ts = start_ns + static_cast<int64_t>(Next() % 1000000000ULL);
      streams_.push_back(std::move(s));
    }
  }

  // One push: lines over all streams until about target_bytes of line text.
  std::vector<LogStream> NextBatch(size_t target_bytes) {
    std::vector<LogStream> out(streams_.size());
    for (size_t i = 0; i < streams_.size(); ++i) out[i].labels = streams_[i].labels;
    size_t bytes = 0;
    while (bytes < target_bytes) {
      size_t i = Next() % streams_.size();
      LogEntry e;
      e.ts_ns = (streams_[i].ts += 1000000 + static_cast<int64_t>(Next() % 20000000));
      e.line = Line(streams_[i], e.ts_ns);
      bytes += e.line.size();
      out[i].entries.push_back(std::move(e));
    }
    std::erase_if(out, [](const LogStream& s) { return s.entries.empty(); });
    return out;
  }
  size_t streams() const { return streams_.size(); }

 private:
  struct Stream {
    LabelSet labels;
    Kind kind = kPlain;
    int64_t ts = 0;
    int stack_left = 0;
  };

  uint64_t Next() {  // xorshift64*
    rng_ ^= rng_ >> 12; rng_ ^= rng_ << 25; rng_ ^= rng_ >> 27;
    return rng_ * 2685821657736338717ULL;
  }
  std::string Hex(int n) {
    static const char* d = "0123456789abcdef";
    std::string s;
    for (int i = 0; i < n; ++i) s.push_back(d[Next() % 16]);
    return s;
  }
  template <size_t N> const char* Pick(const char* const (&a)[N]) { return a[Next() % N]; }
  // Skewed pick: low indexes are far more common (as real paths/messages are).
  template <size_t N> const char* Skew(const char* const (&a)[N]) {
    uint64_t r = Next() % 1000;
    return a[(r * r / 1000) * N / 1000];
  }
  std::string Time(int64_t ts, bool iso) {
    time_t sec = ts / 1000000000;
    struct tm tm;
    gmtime_r(&sec, &tm);
    char buf[64];
    if (iso) {
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ts / 1000000 % 1000));
    } else {
      static const char* mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
      std::snprintf(buf, sizeof buf, "%02d/%s/%04d:%02d:%02d:%02d +0000", tm.tm_mday, mon[tm.tm_mon],
                    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    }
    return buf;
  }

  std::string Line(Stream& s, int64_t ts) {
    switch (s.kind) {
      case kAccess: return Access(ts);
      case kLogfmt: return Logfmt(ts);
      case kJson: return Json(ts);
      case kStack: return Stack(s, ts);
      default: return Plain(ts);
    }
  }

  std::string Ip() {
    return "10." + std::to_string(Next() % 4) + "." + std::to_string(Next() % 32) + "." + std::to_string(Next() % 256);
  }

  std::string Access(int64_t ts) {
    static const char* const paths[] = {"/api/v1/products", "/api/v1/cart", "/", "/static/app.js", "/api/v1/users/me",
                                        "/healthz", "/api/v1/orders", "/login", "/api/v1/search?q=shoes", "/favicon.ico",
                                        "/api/v1/products/8812/reviews", "/metrics"};
    static const char* const methods[] = {"GET", "GET", "GET", "POST", "PUT", "DELETE"};
    static const char* const codes[] = {"200", "200", "200", "200", "304", "201", "404", "500", "302"};
    static const char* const agents[] = {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/119.0",
                                         "curl/8.4.0", "kube-probe/1.28", "Go-http-client/1.1",
                                         "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) Safari/604.1"};
    return Ip() + " - - [" + Time(ts, false) + "] \"" + Pick(methods) + " " + Skew(paths) + " HTTP/1.1\" " +
           Skew(codes) + " " + std::to_string(Next() % 30000) + " \"-\" \"" + Skew(agents) + "\" " +
           "rt=" + std::to_string(Next() % 900) + "ms upstream=" + Ip() + ":8080";
  }

  std::string Logfmt(int64_t ts) {
    static const char* const levels[] = {"info", "info", "info", "debug", "warn", "error"};
    static const char* const msgs[] = {"request completed", "cache miss", "db query", "retrying upstream",
                                       "job finished", "connection pool exhausted", "user authenticated"};
    return "ts=" + Time(ts, true) + " level=" + Skew(levels) + " caller=handler.go:" + std::to_string(40 + Next() % 200) +
           " msg=\"" + Skew(msgs) + "\" method=GET path=/api/v1/items status=" + (Next() % 10 ? "200" : "503") +
           " duration=" + std::to_string(Next() % 5000) + "." + std::to_string(Next() % 1000) + "ms trace_id=" + Hex(16);
  }

  std::string Json(int64_t ts) {
    static const char* const levels[] = {"INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"};
    static const char* const msgs[] = {"order placed", "payment authorized", "inventory reserved",
                                       "email queued", "session refreshed", "rate limit exceeded"};
    return "{\"timestamp\":\"" + Time(ts, true) + "\",\"level\":\"" + Skew(levels) + "\",\"logger\":\"com.shop.OrderService\","
           "\"message\":\"" + Skew(msgs) + "\",\"user_id\":" + std::to_string(Next() % 100000) +
           ",\"order_id\":\"ord_" + Hex(10) + "\",\"service\":\"checkout\",\"region\":\"eu-west-1\",\"amount\":" + std::to_string(Next() % 50000 / 100.0).substr(0, 6) + "}";
  }

  std::string Stack(Stream& s, int64_t ts) {
    static const char* const frames[] = {
        "\tat com.shop.payments.GatewayClient.charge(GatewayClient.java:142)",
        "\tat com.shop.payments.PaymentService.authorize(PaymentService.java:88)",
        "\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:897)",
        "\tat java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1136)",
        "\tat org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:166)",
        "\tat java.base/java.lang.Thread.run(Thread.java:833)"};
    if (s.stack_left > 0) {
      --s.stack_left;
      return Pick(frames);
    }
    if (Next() % 4 == 0) {
      s.stack_left = 3 + static_cast<int>(Next() % 8);
      return Time(ts, true) + " ERROR [http-nio-8080-exec-" + std::to_string(Next() % 20) +
             "] c.s.p.PaymentService - charge failed: java.net.SocketTimeoutException: Read timed out after " +
             std::to_string(Next() % 30000) + "ms";
    }
    return Time(ts, true) + " INFO  [http-nio-8080-exec-" + std::to_string(Next() % 20) +
           "] c.s.p.PaymentService - authorized payment id=" + Hex(12) + " amount=" + std::to_string(Next() % 900) + ".00 EUR";
  }

  std::string Plain(int64_t ts) {
    static const char* const msgs[] = {"Starting periodic compaction of segment store", "Connection from upstream reset by peer",
                                       "Reloaded configuration from /etc/app/config.yaml", "Worker pool resized",
                                       "Checkpoint written", "GC pause exceeded threshold", "Cache warmed"};
    static const char* const comps[] = {"storage.compactor", "net.http.server", "config.loader", "scheduler"};
    return Time(ts, true) + " host" + std::to_string(Next() % 50) + " worker[" + std::to_string(1000 + Next() % 9000) +
           "]: [" + Skew(comps) + "] " + Skew(msgs) + " (took " + std::to_string(Next() % 10000) + "us, queue=" + std::to_string(Next() % 500) + ")";
  }

  uint64_t rng_;
  std::vector<Stream> streams_;
};

}  // namespace skald::bench
