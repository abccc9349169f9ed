// The seed's services' log lines for the end-to-end query tests (see seed_log_lines.h): generated
// from counters, so every test oracle can recompute what a query must return.
#include "tests/e2e/seed_log_lines.h"

#include <re2/re2.h>

#include <cstdio>
#include <ctime>
#include <functional>
#include <utility>

namespace skald::e2e {
namespace {

std::string Stamp(int64_t ts_ns, const char* fmt) {
  std::time_t s = ts_ns / 1000000000;
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, fmt, &tm);
  return buf;
}

// Appends lines 0.5 s apart, starting 200 s before `now_ns`.
struct Lines {
  std::vector<SeedLine> out;
  int64_t ts;
  void operator()(SeedLine l) {
    l.ts = ts += 500000000;
    out.push_back(std::move(l));
  }
};

void AddPostgres(Lines& add) {
  for (int i = 0; i < 40; ++i) {
    std::string p = Stamp(add.ts, "%Y-%m-%d %H:%M:%S.123 UTC [61] ");
    if (i % 8 == 3)
      add({"postgres", "stderr",
           p + "ERROR:  duplicate key value violates unique constraint \"users_email_key\""});
    else if (i % 13 == 5)
      add({"postgres", "stderr", p + "FATAL:  could not connect to the primary server: connection refused"});
    else
      add({"postgres", "stdout",
           p + "LOG:  checkpoint complete: wrote " + std::to_string(i * 7) + " buffers"});
  }
}

void AddMariadb(Lines& add) {
  for (int i = 0; i < 12; ++i) {
    std::string p = Stamp(add.ts, "%Y-%m-%d %H:%M:%S ") + std::to_string(i + 3);
    if (i % 4 == 1)
      add({"mariadb", "stderr",
           p + " [ERROR] Slave I/O: error connecting to master 'repl@db2:3306' - retry-time: 60: connection "
               "refused"});
    else
      add({"mariadb", "stdout",
           p + " [Warning] Aborted connection " + std::to_string(i) +
               " to db: 'app' user: 'app' (Got timeout reading communication packets)"});
  }
}

void AddAuthelia(Lines& add) {
  for (int i = 0; i < 24; ++i) {
    SeedLine l{"authelia", "stdout", ""};
    l.remote_ip = "10.0." + std::to_string(i % 3) + "." + std::to_string(10 + i);
    std::string t = "time=\"" + Stamp(add.ts, "%Y-%m-%dT%H:%M:%SZ") + "\" ";
    if (i % 3 == 0) {
      l.msg = "Unsuccessful 1FA authentication attempt by user 'bob'";
      l.text =
          t + "level=error msg=\"" + l.msg +
          "\" error=\"authentication failed\" method=POST path=/api/firstfactor remote_ip=" + l.remote_ip +
          (i == 6 ? " request_id=abc123" : "");
    } else {
      l.msg = "Check authorization of subject username=alice";
      l.text = t + "level=info msg=\"" + l.msg + "\" method=GET path=/api/verify remote_ip=" + l.remote_ip;
    }
    add(l);
  }
}

void AddCaddy(Lines& add) {
  for (int i = 0; i < 70; ++i) {
    SeedLine l{"caddy", "stdout", ""};
    l.method = i % 4 == 0 ? "POST" : "GET";
    l.status = i % 9 == 4 ? 502 : i % 11 == 7 ? 503 : i % 6 == 1 ? 404 : 200;
    l.dur = 0.002 + (i % 17) * 0.15;
    std::string uri = i % 10 == 0 ? "/healthz" : "/api/items/" + std::to_string(i);
    char d[32];
    std::snprintf(d, sizeof d, "%.3f", l.dur);
    l.text = std::string("{\"level\":\"") + (l.status >= 500 ? "error" : "info") +
             "\",\"ts\":" + std::to_string(add.ts / 1000000000) +
             ".5,\"logger\":\"http.log.access\",\"msg\":\"handled request\",\"request\":{\"method\":\"" +
             l.method + "\",\"uri\":\"" + uri + "\",\"host\":\"app.example.com\"},\"duration\":" + d +
             ",\"size\":" + std::to_string(100 + i * 13) + ",\"status\":" + std::to_string(l.status) + "}";
    add(l);
  }
}

void AddVllm(Lines& add) {
  for (int i = 0; i < 20; ++i) {
    SeedLine l{"vllm", "stdout", ""};
    std::string dur;
    if (i % 5 == 0) {
      l.dur = 1.0 + 0.25 * (i / 5 + 1);
      char b[16];
      std::snprintf(b, sizeof b, "%gs", l.dur);
      dur = b;
    } else {
      l.dur = (100 + 37 * i) / 1000.0;
      dur = std::to_string(100 + 37 * i) + "ms";
    }
    l.text =
        "{\"level\":\"INFO\",\"logger\":\"vllm.engine\",\"msg\":\"Finished request\",\"request_id\":\"cmpl-" +
        std::to_string(i) + "\",\"duration\":\"" + dur +
        "\",\"generation_tokens\":" + std::to_string(16 * i) + "}";
    add(l);
  }
}

void AddProbe(Lines& add) {
  for (int i = 0; i < 15; ++i) {
    std::string p = Stamp(add.ts, "%Y-%m-%d %H:%M:%S.456 ");
    if (i % 5 != 2) {
      add({"probe-orchestrator", "stdout",
           p + "INFO o.e.diagnostics.ProbeRunner - probe ok service=grafana latency_ms=" +
               std::to_string(10 + i)});
      continue;
    }
    std::string t = p + "ERROR o.e.diagnostics.ProbeRunner - probe failed service=grafana" +
                    (i == 2 ? " request_id=abc123" : "") +
                    "\njava.lang.IllegalStateException: probe of grafana timed out after 30s"
                    "\n\tat org.example.diagnostics.ProbeRunner.run(ProbeRunner.kt:42)"
                    "\n\tat kotlinx.coroutines.DispatchedTask.run(DispatchedTask.kt:108)";
    if (i % 10 == 2) t += "\nCaused by: java.net.ConnectException: Connection refused\n\t... 12 more";
    add({"probe-orchestrator", "stderr", t});
  }
}

std::string JsonStr(const std::string& s) {
  std::string o = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      o += std::string("\\") + c;
    else if (c == '\n')
      o += "\\n";
    else if (c == '\t')
      o += "\\t";
    else
      o += c;
  }
  return o + "\"";
}

}  // namespace

std::vector<SeedLine> MakeSeedLines(int64_t now_ns) {
  Lines add{{}, now_ns - 200LL * 1000000000};
  AddPostgres(add);
  AddMariadb(add);
  AddAuthelia(add);
  AddCaddy(add);
  AddVllm(add);
  AddProbe(add);
  return add.out;
}

std::map<std::string, std::string> SeedLabels(const SeedLine& l) {
  std::map<std::string, std::string> m = {
      {"job", "docker"},
      {"container", l.service},
      {"service", l.service},
      {"container_id", std::to_string(std::hash<std::string>{}(l.service))},
      {"image", l.service + ":latest"},
      {"project", "datamancy"},
      {"stream", l.stream}};
  static const RE2 level("(?P<level>(ERROR|WARN|INFO|DEBUG|FATAL|TRACE))");
  static const RE2 status(R"re(\b(?:http_)?status"?\s*[=:]\s*"?(?P<http_status>[1-5]\d\d)\b)re");
  std::string v;
  if (RE2::PartialMatch(l.text, level, &v)) m["level"] = v;
  if (RE2::PartialMatch(l.text, status, &v)) m["http_status"] = v;
  return m;
}

std::string SeedPushBody(const std::vector<SeedLine>& lines) {
  std::map<std::map<std::string, std::string>, std::vector<const SeedLine*>> streams;
  for (const auto& l : lines) streams[SeedLabels(l)].push_back(&l);
  std::string b = "{\"streams\":[";
  for (const auto& [labels, ls] : streams) {
    if (b.back() != '[') b += ",";
    b += "{\"stream\":{";
    for (const auto& [k, v] : labels) {
      if (b.back() != '{') b += ',';
      b.append(JsonStr(k)).append(":").append(JsonStr(v));
    }
    b += "},\"values\":[";
    for (const SeedLine* l : ls) {
      if (b.back() != '[') b += ',';
      b.append("[\"").append(std::to_string(l->ts)).append("\",").append(JsonStr(l->text)).append("]");
    }
    b += "]}";
  }
  return b + "]}";
}

}  // namespace skald::e2e
