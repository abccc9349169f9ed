// Loki's route label for each registered pattern (the names the mixin's selectors match).
#include <catch.hpp>

#include "store/api/request_metrics.h"
#include "store/api/services_handler.h"

using skald::api::LokiRouteName;

TEST_CASE("route patterns become Loki's route label values") {
  struct Case {
    const char* pattern;
    const char* route;
  };
  const Case cases[] = {
      {"/loki/api/v1/push", "loki_api_v1_push"},
      {"/api/prom/push", "api_prom_push"},
      {"/loki/api/v1/query_range", "loki_api_v1_query_range"},
      {"/loki/api/v1/query", "loki_api_v1_query"},
      {"/loki/api/v1/labels", "loki_api_v1_labels"},
      {"/loki/api/v1/label/([^/]+)/values", "loki_api_v1_label_name_values"},
      {"/api/prom/label/([^/]+)/values", "api_prom_label_name_values"},
      {"/loki/api/v1/index/volume_range", "loki_api_v1_index_volume_range"},
      {"/loki/api/v1/rules/([^/]+)/([^/]+)", "loki_api_v1_rules_namespace_groupname"},
      {"/api/prom/rules/([^/]+)/([^/]+)", "api_prom_rules_namespace_groupname"},
      {"/prometheus/api/v1/rules", "prometheus_api_v1_rules"},
      {"/loki/api/v1/delete", "loki_api_v1_delete"},
      {"/loki/api/v1/tail", "loki_api_v1_tail"},
      {"/ready", "ready"},
      {"/metrics", "metrics"},
      {"/", "root"},
  };
  for (const auto& c : cases) {
    INFO(c.pattern);
    CHECK(LokiRouteName(c.pattern) == c.route);
  }
}

TEST_CASE("services text is one sorted line per service") {
  CHECK(skald::api::ServicesText({{"server", "Running"}, {"ingester", "Starting"}}) ==
        "ingester => Starting\nserver => Running\n");
}
