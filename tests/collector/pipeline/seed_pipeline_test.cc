// The seed's promtail-config.yaml (testdata copy, unmodified) end to end on Docker json-file lines:
// docker target decoding → relabel_configs → pipeline_stages, compared with what Promtail produces.
#include <catch.hpp>

#include <sstream>

#include <yaml-cpp/yaml.h>

#include "collector/pipeline/dry_run.h"
#include "collector/pipeline/pipeline.h"
#include "collector/pipeline/relabel.h"
#include "common/gotime/gotime.h"

using namespace skald;
using namespace skald::pipeline;

namespace {

const std::string kSeed = std::string(SKALD_SOURCE_DIR) + "/tests/collector/pipeline/testdata/promtail-config.yaml";

// What Prometheus's docker discovery gives a compose container (plus the log stream Promtail's
// docker target adds per line).
std::vector<Label> ContainerMeta() {
  return {{"__meta_docker_container_id", "3f4e8a1b2c9d"},
          {"__meta_docker_container_name", "/shop-api-1"},
          {"__meta_docker_container_image", "shop/api:1.4"},
          {"__meta_docker_container_network_mode", "bridge"},
          {"__meta_docker_container_label_com_docker_compose_service", "api"},
          {"__meta_docker_container_label_com_docker_compose_project", "shop"},
          {"__address__", "172.18.0.5:8080"}};
}

CollectorConfig SeedConfig() {
  YAML::Node root = YAML::LoadFile(kSeed);
  CollectorConfig cfg;
  cfg.config_file = "promtail-config.yaml";
  for (const auto& sc : root["scrape_configs"]) {
    ScrapeConfig s;
    s.job_name = sc["job_name"].as<std::string>();
    if (sc["docker_sd_configs"]) s.docker_sd_configs.emplace_back();
    s.relabel_configs = sc["relabel_configs"];
    s.pipeline_stages = sc["pipeline_stages"];
    cfg.scrape_configs.push_back(s);
  }
  return cfg;
}

}  // namespace

TEST_CASE("seed pipeline: docker json-file line through relabel and stages") {
  CollectorConfig cfg = SeedConfig();
  REQUIRE(cfg.scrape_configs.size() == 1);
  const ScrapeConfig& sc = cfg.scrape_configs[0];
  auto relabel = Relabeler::Parse(sc.relabel_configs, cfg.config_file);
  REQUIRE(relabel.ok());
  auto pipeline = Pipeline::Build(sc.pipeline_stages, cfg.config_file);
  REQUIRE(pipeline.ok());
  CHECK(pipeline->size() == 5);  // 7 stages; each regex runs inside the labels stage after it

  // The docker target hands the pipeline the decoded message (newline stripped) and record time.
  LabelSet ls(ContainerMeta());
  ls.Set("__meta_docker_container_log_stream", "stderr");
  REQUIRE(relabel->Process(ls));
  const int64_t ts = gotime::Parse(gotime::kRFC3339Nano, "2026-11-26T10:00:00.123456789Z")->unix_ns();
  Entry e = Pipeline::MakeEntry(DropReservedLabels(ls), ts, "2026-11-26T10:00:00Z ERROR connection refused status 503");
  REQUIRE(pipeline->Process(e));

  // json fails silently on the non-JSON message, so timestamp (source missing, no fudge history)
  // keeps the docker time and output does nothing. `\d{3}` first matches "202" of the year.
  CHECK(e.labels == LabelSet::Parse(R"({container="shop-api-1", container_id="3f4e8a1b2c9d", http_status="202",
      image="shop/api:1.4", level="ERROR", project="shop", service="api", stream="stderr"})").value());
  CHECK(e.ts_ns == ts);
  CHECK(e.line == "2026-11-26T10:00:00Z ERROR connection refused status 503");
}

TEST_CASE("seed pipeline: dry run prints Promtail's format") {
  CollectorConfig cfg = SeedConfig();
  DryRunOptions opts;
  opts.target_labels = ContainerMeta();
  std::istringstream in(
      R"({"log":"2026-11-26T10:00:00Z ERROR connection refused status 503\n","stream":"stderr","time":"2026-11-26T10:00:00.123456789Z"})"
      "\n"
      R"({"log":"GET /health 200 in 3ms\n","stream":"stdout","time":"2026-11-26T10:00:01.5Z"})"
      "\n"
      R"({"log":"plain line, no level\n","stream":"stdout","time":"2026-11-26T10:00:02Z"})"
      "\n");
  std::ostringstream out, err;
  REQUIRE(RunDryRun(cfg, opts, in, out, err) == 0);
  CHECK(err.str().empty());
  const std::string base = R"(container="shop-api-1", container_id="3f4e8a1b2c9d", )";
  const std::string tail = R"(image="shop/api:1.4", )";
  std::string want =
      "2026-11-26T10:00:00.123456789+0000\t{" + base + R"(http_status="202", )" + tail +
      R"(level="ERROR", project="shop", service="api", stream="stderr"})" +
      "\t2026-11-26T10:00:00Z ERROR connection refused status 503\n"
      "2026-11-26T10:00:01.5+0000\t{" + base + R"(http_status="200", )" + tail +
      R"(project="shop", service="api", stream="stdout"})" + "\tGET /health 200 in 3ms\n"
      "2026-11-26T10:00:02+0000\t{" + base + tail + R"(project="shop", service="api", stream="stdout"})" +
      "\tplain line, no level\n";
  CHECK(out.str() == want);
}

TEST_CASE("dry run: config errors are reported with file:line") {
  CollectorConfig cfg;
  cfg.config_file = "bad.yaml";
  ScrapeConfig sc;
  sc.job_name = "x";
  sc.pipeline_stages = YAML::Load("- regex:\n    expression: '('\n");
  cfg.scrape_configs.push_back(sc);
  std::istringstream in("line\n");
  std::ostringstream out, err;
  CHECK(RunDryRun(cfg, {}, in, out, err) == 1);
  CHECK(err.str().rfind("bad.yaml:2: regex stage: expression:", 0) == 0);
}

TEST_CASE("dry run: static_configs targets, time now, multiline flushed at end") {
  CollectorConfig cfg;
  cfg.config_file = "c.yaml";
  ScrapeConfig sc;
  sc.job_name = "app";
  StaticConfig st;
  st.targets = {"localhost"};
  st.labels = {{"job", "app"}, {"__path__", "/var/log/app.log"}};
  sc.static_configs.push_back(st);
  sc.pipeline_stages = YAML::Load("- multiline: {firstline: '^\\S'}\n");
  cfg.scrape_configs.push_back(sc);
  DryRunOptions opts;
  opts.now_ns = 1795687200LL * 1000000000LL;
  std::istringstream in("first\n  cont\nsecond\n");
  std::ostringstream out, err;
  REQUIRE(RunDryRun(cfg, opts, in, out, err) == 0);
  CHECK(out.str() ==
        "2026-11-26T10:00:00+0000\t{job=\"app\"}\tfirst\n  cont\n"
        "2026-11-26T10:00:00+0000\t{job=\"app\"}\tsecond\n");
}
