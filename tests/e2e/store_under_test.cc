// A real skald-store per test, JSON push/query and acknowledged-id helpers (see store_under_test.h).
#include "tests/e2e/store_under_test.h"

#include <catch.hpp>
#include <signal.h>

#include <simdjson.h>

#include <algorithm>
#include <fstream>
#include <utility>

#include "store/backup/export_line.h"
#include "tests/e2e/object_store_mode.h"

namespace skald::e2e {

std::string StoreYaml(int port, const std::string& path_prefix, bool auth_enabled, const std::string& extra) {
  std::string yaml = std::string("auth_enabled: ") + (auth_enabled ? "true" : "false") +
                     "\nserver:\n  http_listen_port: " + std::to_string(port) +
                     "\ncommon:\n  path_prefix: " + path_prefix + "\n" + extra;
  const std::string bucket = ObjectStoreYaml(path_prefix);   // "" unless SKALD_E2E_OBJECT_STORE=s3
  if (!bucket.empty() && yaml.back() != '\n') yaml += '\n';
  return yaml + bucket;
}

StoreUnderTest::StoreUnderTest(const std::string& dir, const std::string& name)
    : port_(FreePort()), config_(dir + "/" + name + ".yaml"), log_(dir + "/" + name + ".log") {}

void StoreUnderTest::Configure(const std::string& path_prefix, bool auth_enabled, const std::string& extra) {
  WriteFile(config_, StoreYaml(port_, path_prefix, auth_enabled, extra));
}

bool StoreUnderTest::Start(int timeout_ms) {
  proc_.reset();   // a previous run still going is SIGKILLed and reaped first
  proc_ = std::make_unique<Process>(std::vector<std::string>{BinPath("skald-store"), "-config.file=" + config_},
                                    log_);
  return WaitReady(port_, timeout_ms);
}

int StoreUnderTest::pid() const { return proc_ ? proc_->pid() : -1; }

int StoreUnderTest::Stop() {
  Kill(SIGTERM);
  return Wait();
}

void StoreUnderTest::Kill(int sig) {
  if (proc_) proc_->Kill(sig);
}

int StoreUnderTest::Wait() { return proc_ ? proc_->Wait() : -1; }

namespace {

void AppendLabels(const std::vector<Label>& labels, std::string* out) {
  out->push_back('{');
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i) out->push_back(',');
    backup::AppendJsonString(labels[i].name, out);
    out->push_back(':');
    backup::AppendJsonString(labels[i].value, out);
  }
  out->push_back('}');
}

void AppendValues(const std::vector<LogEntry>& entries, std::string* out) {
  out->push_back('[');
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i) out->push_back(',');
    out->append("[\"" + std::to_string(entries[i].ts_ns) + "\",");
    backup::AppendJsonString(entries[i].line, out);
    if (!entries[i].metadata.empty()) {
      out->push_back(',');
      AppendLabels(entries[i].metadata, out);
    }
    out->push_back(']');
  }
  out->push_back(']');
}

}  // namespace

LogStream MakeStream(std::vector<Label> labels, std::vector<LogEntry> entries) {
  return LogStream{LabelSet(std::move(labels)), std::move(entries)};
}

std::string JsonPushBody(const std::vector<LogStream>& streams) {
  std::string out = R"({"streams":[)";
  for (size_t i = 0; i < streams.size(); ++i) {
    if (i) out.push_back(',');
    out.append(R"({"stream":)");
    AppendLabels(streams[i].labels.labels(), &out);
    out.append(R"(,"values":)");
    AppendValues(streams[i].entries, &out);
    out.push_back('}');
  }
  return out + "]}";
}

std::string IdBatchBody(const std::string& job, int per_stream, const std::string& suffix, int64_t base_ns,
                        std::atomic<int>& next_id, std::vector<int>* ids) {
  std::vector<LogStream> streams;
  for (int s = 0; s < 2; ++s) {
    LogStream& st = streams.emplace_back(MakeStream({{"job", job}, {"s", std::to_string(s)}}));
    for (int i = 0; i < per_stream; ++i) {
      const int id = next_id.fetch_add(1);
      ids->push_back(id);
      st.entries.push_back({base_ns + id, "id=" + std::to_string(id) + suffix, {}});
    }
  }
  return JsonPushBody(streams);
}

bool PushAcked(httplib::Client& cli, const std::string& body, const std::vector<int>& ids, std::set<int>* acked,
               std::mutex* mu) {
  auto res = cli.Post("/loki/api/v1/push", body, "application/json");
  if (!res || res->status != 204) return false;
  std::lock_guard<std::mutex> l(*mu);
  acked->insert(ids.begin(), ids.end());
  return true;
}

std::string QueryRangeBody(httplib::Client& cli, const std::string& query, int64_t start_ns, int64_t end_ns,
                           int limit, const httplib::Headers& headers) {
  auto res = cli.Get("/loki/api/v1/query_range",
                     httplib::Params{{"query", query}, {"start", std::to_string(start_ns)},
                                     {"end", std::to_string(end_ns)}, {"limit", std::to_string(limit)}},
                     headers);
  REQUIRE(res);
  REQUIRE(res->status == 200);
  return res->body;
}

std::map<int, int> SeenIds(httplib::Client& cli, const std::string& query, int64_t start_ns, int64_t end_ns) {
  std::map<int, int> seen;
  for (int64_t start = start_ns;;) {
    httplib::Params p{{"query", query}, {"start", std::to_string(start)}, {"end", std::to_string(end_ns)},
                      {"limit", "5000"}, {"direction", "forward"}};
    auto res = cli.Get("/loki/api/v1/query_range", p, httplib::Headers{});
    REQUIRE(res);
    INFO(res->body.substr(0, 300));
    REQUIRE(res->status == 200);
    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.parse(res->body);
    int got = 0;
    int64_t last = start;
    for (auto stream : doc["data"]["result"].get_array()) {
      for (auto v : stream["values"].get_array()) {
        std::string_view line = v.at(1).get_string().value();
        seen[std::stoi(std::string(line.substr(3)))]++;  // "id=<n>", maybe followed by more text
        last = std::max<int64_t>(last, std::stoll(std::string(v.at(0).get_string().value())));
        ++got;
      }
    }
    if (got < 5000) return seen;
    start = last + 1;
  }
}

IdLoss CompareIds(const std::set<int>& acked, const std::map<int, int>& seen) {
  IdLoss loss;
  for (int id : acked) loss.missing += seen.count(id) ? 0 : 1;
  for (const auto& [id, n] : seen) loss.dups += n > 1 ? 1 : 0;
  return loss;
}

void FlipByte(const std::string& path, uint64_t offset) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  const auto at = static_cast<std::streamoff>(offset);
  f.seekg(at);
  char c = static_cast<char>(f.get() ^ 0x5a);
  f.seekp(at);
  f.put(c);
}

}  // namespace skald::e2e
