// Loki's metrics and status endpoints on a real store (StoreApp on port 0, real files, HTTP): each
// push, query, flush and delete request moves the series Loki's mixin dashboards and alerts read.
#include <httplib.h>

#include <catch.hpp>
#include <chrono>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "store/compactor/compactor.h"
#include "store/store_app.h"
#include "store/store_config_loader.h"
#include "tests/test_support.h"

using namespace skald;
using skald::test_support::ScratchDir;
using skald::test_support::WaitFor;

namespace {

// The value of one exact series ("name{a=\"b\"}") in exposition text; -1 when absent.
double Sample(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 && line[series.size()] == ' ')
      return std::stod(line.substr(series.size() + 1));
  }
  return -1;
}

struct Store {
  ScratchDir dir{"skald-metrics"};
  std::unique_ptr<StoreApp> app;
  std::unique_ptr<httplib::Client> cli;

  explicit Store(const std::string& extra_compactor = "", const std::string& limits = "  retention_period: 744h\n") {
    std::string yaml = fmt::format(
        "auth_enabled: false\nserver:\n  http_listen_port: 0\ncommon:\n  path_prefix: {0}\n"
        "compactor:\n  retention_enabled: true\n  working_directory: {0}/compactor\n"
        "  delete_request_store: filesystem\n{1}limits_config:\n{2}",
        dir.path, extra_compactor, limits);
    auto cfg = ParseStoreConfig("metrics.yaml", yaml, false, nullptr);
    INFO(cfg.status().message());
    REQUIRE(cfg.ok());
    app = std::make_unique<StoreApp>(*cfg);
    Status st = app->Start();
    INFO(st.message());
    REQUIRE(st.ok());
    cli = std::make_unique<httplib::Client>("127.0.0.1", app->port());
  }
  std::string Metrics() {
    auto r = cli->Get("/metrics");
    REQUIRE(r);
    REQUIRE(r->status == 200);
    return r->body;
  }
  double Value(const std::string& series) { return Sample(Metrics(), series); }
  int Push(const std::string& body) {
    auto r = cli->Post("/loki/api/v1/push", body, "application/json");
    return r ? r->status : 0;
  }
};

std::string NowNs() {
  return fmt::format("{}", std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::system_clock::now().time_since_epoch()).count());
}

const char* kPushCount =
    "loki_request_duration_seconds_count{method=\"POST\",route=\"loki_api_v1_push\",status_code=\"204\",ws=\"false\"}";

}  // namespace

TEST_CASE("push, query and flush move Loki's ingester, distributor and request metrics") {
  Store s;
  std::string before = s.Metrics();
  auto delta = [&](const std::string& series) {
    double b = Sample(before, series);
    return s.Value(series) - (b < 0 ? 0 : b);
  };
  std::string ts = NowNs();
  std::string body = fmt::format(
      R"({{"streams":[{{"stream":{{"job":"metrics-a"}},"values":[["{0}","one"],["{0}","two"]]}},)"
      R"({{"stream":{{"job":"metrics-b"}},"values":[["{0}","three"]]}}]}})", ts);
  REQUIRE(s.Push(body) == 204);

  CHECK(delta("loki_ingester_streams_created_total{tenant=\"fake\"}") == 2);
  CHECK(delta("loki_ingester_memory_streams{tenant=\"fake\"}") == 2);
  CHECK(delta("loki_ingester_memory_chunks") == 2);
  CHECK(delta("loki_distributor_lines_received_total{tenant=\"fake\"}") == 3);
  CHECK(delta("loki_distributor_bytes_received_total{tenant=\"fake\"}") == 11);
  CHECK(delta(kPushCount) == 1);
  CHECK(delta("loki_ingester_wal_records_logged_total") >= 1);

  auto q = s.cli->Get("/loki/api/v1/query_range?query=%7Bjob%3D%22metrics-a%22%7D");
  REQUIRE(q);
  CHECK(q->status == 200);
  auto bad = s.cli->Get("/loki/api/v1/query_range?query=%7Bjob");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  auto lv = s.cli->Get("/loki/api/v1/label/job/values");
  REQUIRE(lv);
  CHECK(delta("loki_request_duration_seconds_count{method=\"GET\",route=\"loki_api_v1_query_range\","
              "status_code=\"200\",ws=\"false\"}") == 1);
  CHECK(delta("loki_request_duration_seconds_count{method=\"GET\",route=\"loki_api_v1_query_range\","
              "status_code=\"400\",ws=\"false\"}") == 1);
  CHECK(delta("loki_request_duration_seconds_count{method=\"GET\",route=\"loki_api_v1_label_name_values\","
              "status_code=\"200\",ws=\"false\"}") == 1);

  auto f = s.cli->Post("/flush", "", "text/plain");
  REQUIRE(f);
  REQUIRE(f->status == 204);
  CHECK(delta("loki_ingester_chunks_flushed_total{reason=\"forced\"}") == 2);
  CHECK(delta("loki_ingester_chunks_stored_total{tenant=\"fake\"}") == 2);
  CHECK(delta("loki_ingester_chunk_size_bytes_count") == 2);
  CHECK(delta("loki_ingester_chunk_entries_sum") == 3);
  CHECK(delta("loki_ingester_chunk_utilization_count") == 2);
  CHECK(delta("loki_ingester_chunk_age_seconds_count") == 2);
  CHECK(delta("loki_ingester_chunk_bounds_hours_count") == 2);
  CHECK(delta("loki_ingester_chunk_stored_bytes_total{tenant=\"fake\"}") > 0);
  CHECK(delta("loki_ingester_memory_streams{tenant=\"fake\"}") == 0);
  CHECK(delta("loki_ingester_memory_chunks") == 0);
  CHECK(delta("loki_ingester_streams_removed_total{tenant=\"fake\"}") == 2);
  CHECK(delta("loki_index_request_duration_seconds_count{operation=\"index_chunk\",status_code=\"200\"}") == 1);
  CHECK(delta("loki_index_request_duration_seconds_count{operation=\"series\",status_code=\"200\"}") >= 1);

  // Pushing to a flushed stream brings it back into memory: created again, as in Loki.
  REQUIRE(s.Push(fmt::format(R"({{"streams":[{{"stream":{{"job":"metrics-a"}},"values":[["{}","four"]]}}]}})",
                             NowNs())) == 204);
  CHECK(delta("loki_ingester_streams_created_total{tenant=\"fake\"}") == 3);
  CHECK(delta("loki_ingester_memory_streams{tenant=\"fake\"}") == 1);
}

TEST_CASE("a rejected push is counted by reason and status code") {
  Store s;
  std::string before = s.Metrics();
  auto delta = [&](const std::string& series) {
    double b = Sample(before, series);
    return s.Value(series) - (b < 0 ? 0 : b);
  };
  // No labels at all: Loki's "missing_labels" reason, 400.
  auto r = s.cli->Post("/loki/api/v1/push", R"({"streams":[{"stream":{},"values":[["1","x"]]}]})",
                       "application/json");
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(delta("loki_request_duration_seconds_count{method=\"POST\",route=\"loki_api_v1_push\","
              "status_code=\"400\",ws=\"false\"}") == 1);
  CHECK(delta("loki_discarded_samples_total{reason=\"missing_labels\",tenant=\"fake\"}") == 1);

  // Structured metadata bytes are counted on their own and inside bytes received.
  REQUIRE(s.Push(fmt::format(R"({{"streams":[{{"stream":{{"job":"md"}},)"
                             R"("values":[["{}","line",{{"trace_id":"abc"}}]]}}]}})",
                             NowNs())) == 204);
  CHECK(delta("loki_distributor_structured_metadata_bytes_received_total{tenant=\"fake\"}") == 11);
}

TEST_CASE("compactor, deletion and process metrics") {
  Store s;
  REQUIRE(WaitFor([&] {
    return s.Value("loki_boltdb_shipper_compact_tables_operation_total{status=\"success\"}") >= 1;
  }));
  std::string m = s.Metrics();
  CHECK(Sample(m, "loki_boltdb_shipper_compactor_running") == 1);
  CHECK(Sample(m, "loki_boltdb_shipper_compact_tables_operation_last_successful_run_timestamp_seconds") > 1.7e9);
  CHECK(Sample(m, "loki_compactor_apply_retention_operation_total{status=\"success\"}") >= 1);
  CHECK(Sample(m, "loki_compactor_pending_delete_requests_count") == 0);
  CHECK(m.find("# TYPE process_cpu_seconds_total counter") != std::string::npos);
  CHECK(Sample(m, "process_resident_memory_bytes") > 0);
  CHECK(Sample(m, "process_open_fds") > 0);
  CHECK(Sample(m, "process_start_time_seconds") > 1.7e9);
#if !defined(__SANITIZE_ADDRESS__)   // ASan's allocator reports nothing to mallinfo2
  CHECK(Sample(m, "go_memstats_heap_inuse_bytes") > 0);
#endif
  CHECK(m.find("\nloki_build_info{branch=\"main\",") != std::string::npos);
  CHECK(Sample(m, "loki_compactor_load_pending_requests_attempts_total{status=\"fail\"}") == 0);

  double received = Sample(m, "loki_compactor_delete_requests_received_total{user=\"fake\"}");
  auto start = std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch()).count() - 60;
  auto r = s.cli->Post(fmt::format("/loki/api/v1/delete?query=%7Bjob%3D%22x%22%7D&start={}", start), "",
                       "text/plain");
  REQUIRE(r);
  CHECK(r->status == 204);
  CHECK(s.Value("loki_compactor_delete_requests_received_total{user=\"fake\"}") - (received < 0 ? 0 : received) ==
        1);
  CHECK(s.Value("loki_request_duration_seconds_count{method=\"POST\",route=\"loki_api_v1_delete\","
                "status_code=\"204\",ws=\"false\"}") >= 1);
}

TEST_CASE("/services, /config modes and /ready answer as Loki's") {
  Store s;
  auto sv = s.cli->Get("/services");
  REQUIRE(sv);
  CHECK(sv->status == 200);
  CHECK(sv->body.find("ingester => Running\n") != std::string::npos);
  CHECK(sv->body.find("compactor => Running\n") != std::string::npos);
  CHECK(sv->body.find("distributor => Running\n") != std::string::npos);

  auto full = s.cli->Get("/config");
  auto defaults = s.cli->Get("/config?mode=defaults");
  auto diff = s.cli->Get("/config?mode=diff");
  REQUIRE(full);
  REQUIRE(defaults);
  REQUIRE(diff);
  CHECK(full->body.find("log_level: info") != std::string::npos);
  CHECK(defaults->body.find("http_listen_port: 3100") != std::string::npos);
  CHECK(defaults->body.find("auth_enabled: true") != std::string::npos);
  CHECK(diff->body.find("auth_enabled: false") != std::string::npos);
  CHECK(diff->body.find("http_listen_port: 0") != std::string::npos);
  CHECK(diff->body.find("retention_enabled: true") != std::string::npos);
  CHECK(diff->body.find("log_level") == std::string::npos);   // unchanged from the default

  auto ready = s.cli->Get("/ready");
  REQUIRE(ready);
  CHECK(ready->status == 200);
  CHECK(ready->body == "ready\n");
  s.app->SetReady(false, "starting");
  ready = s.cli->Get("/ready");
  REQUIRE(ready);
  CHECK(ready->status == 503);
  CHECK(ready->body.find("starting") != std::string::npos);
}

TEST_CASE("retention marks and sweeps count per day table, tenant and status") {
  Store s("  retention_delete_delay: 0s\n", "  retention_period: 24h\n  reject_old_samples: false\n");
  int64_t old_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count() - int64_t{3} * 86400 * 1000000000;
  std::string table = fmt::format("index_{}", old_ns / (int64_t{86400} * 1000000000));
  REQUIRE(s.Push(fmt::format(R"({{"streams":[{{"stream":{{"job":"old"}},"values":[["{}","expired"]]}}]}})",
                             old_ns)) == 204);
  auto f = s.cli->Post("/flush", "", "text/plain");
  REQUIRE(f);
  REQUIRE(f->status == 204);
  std::string before = s.Metrics();
  auto pass = s.app->compactor()->RunOnce();
  INFO(pass.status().message());
  REQUIRE(pass.ok());
  CHECK(pass->expired_chunks == 1);
  std::string m = s.Metrics();
  auto delta = [&](const std::string& series) {
    double b = Sample(before, series);
    return Sample(m, series) - (b < 0 ? 0 : b);
  };
  CHECK(delta(fmt::format("loki_boltdb_shipper_retention_marker_count_total{{table=\"{}\"}}", table)) == 1);
  CHECK(delta(fmt::format("loki_boltdb_shipper_retention_marker_table_processed_total{{table=\"{}\",user_id=\"fake\","
                          "action=\"modified\"}}", table)) == 1);
  CHECK(delta(fmt::format("loki_boltdb_shipper_retention_marker_table_processed_duration_seconds_count{{table=\"{}\","
                          "status=\"success\"}}", table)) == 1);
  CHECK(delta("loki_boltdb_shipper_retention_sweeper_chunk_deleted_duration_seconds_count{status=\"success\"}") >= 1);
  CHECK(delta("loki_boltdb_shipper_retention_sweeper_marker_files_deleted_total") >= 1);
  CHECK(Sample(m, "loki_boltdb_shipper_retention_sweeper_marker_files_current") == 0);
  CHECK(Sample(m, "loki_boltdb_shipper_retention_sweeper_marker_file_processing_current_time") > 1.7e9);
  CHECK(delta("loki_compactor_apply_retention_operation_total{status=\"success\"}") == 1);
  CHECK(delta("loki_boltdb_shipper_compact_tables_operation_total{status=\"success\"}") == 1);
}
