// Seed pipeline throughput: docker json-file records through the seed's relabel_configs and
// pipeline_stages. Usage: bench_pipeline [promtail-config.yaml] [lines]. Prints per-line CPU cost.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "collector/pipeline/throughput.h"

using namespace skald;

int main(int argc, char** argv) {
  const char* src = std::getenv("SKALD_SOURCE_DIR");
  std::string path = argc > 1 ? argv[1]
                              : std::string(src ? src : ".") + "/tests/collector/pipeline/testdata/promtail-config.yaml";
  uint64_t n = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1000000;
  YAML::Node root = YAML::LoadFile(path);
  ScrapeConfig sc;
  sc.relabel_configs = root["scrape_configs"][0]["relabel_configs"];
  sc.pipeline_stages = root["scrape_configs"][0]["pipeline_stages"];
  std::vector<Label> meta = {{"__meta_docker_container_id", "3f4e8a1b2c9d"},
                             {"__meta_docker_container_name", "/shop-api-1"},
                             {"__meta_docker_container_image", "shop/api:1.4"},
                             {"__meta_docker_container_label_com_docker_compose_service", "api"},
                             {"__meta_docker_container_label_com_docker_compose_project", "shop"}};
  // A realistic mix: access logs, app logs with levels, JSON app logs, stack-trace lines.
  const char* msgs[] = {
      "2026-11-26T10:00:00Z ERROR connection refused status 503",
      "10.0.0.7 - - [26/Nov/2026:10:00:00 +0000] \\\"GET /api/v1/items?page=2 HTTP/1.1\\\" 200 5123 \\\"-\\\" \\\"curl/8.4\\\"",
      "level=info ts=2026-11-26T10:00:00.123Z caller=server.go:42 msg=\\\"request served\\\" duration=12ms",
      "{\\\"level\\\":\\\"warn\\\",\\\"msg\\\":\\\"slow query\\\",\\\"ms\\\":812,\\\"table\\\":\\\"orders\\\"}",
      "    at com.shop.api.OrderService.place(OrderService.java:118)",
      "INFO  worker started queue=emails concurrency=4"};
  std::vector<std::string> recs;
  for (const char* m : msgs)
    recs.push_back(std::string("{\"log\":\"") + m + "\\n\",\"stream\":\"stdout\",\"time\":\"2026-11-26T10:00:00.123456789Z\"}");
  std::vector<bool> modes = {true, false};
  if (argc > 3) modes = {std::string(argv[3]) == "per-line"};  // one mode only (profiling)
  for (bool per_line : modes) {
    auto r = pipeline::MeasurePipeline(sc, path, meta, recs, n, per_line);
    if (!r.ok()) {
      std::fprintf(stderr, "%s\n", r.status().message().c_str());
      return 1;
    }
    std::printf("seed pipeline (%s): %llu lines, %.3f cpu-s, %.0f ns/line, %.0f lines/cpu-s\n",
                per_line ? "relabel per line, as Promtail's docker target" : "relabel once per stream",
                static_cast<unsigned long long>(r->lines), r->cpu_seconds, r->ns_per_line, r->lines_per_cpu_second);
  }
  return 0;
}
