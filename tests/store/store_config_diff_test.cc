// /config?mode=diff: only values that differ from the defaults, nested maps kept as paths.
#include <catch.hpp>

#include "store/store_config_diff.h"

using namespace skald;

TEST_CASE("config diff keeps only changed leaves") {
  const std::string defaults = "a: 1\nb:\n  c: x\n  d: [1, 2]\ne: keep\n";
  CHECK(ConfigDiffYaml("a: 1\nb:\n  c: y\n  d: [1, 2]\ne: keep\n", defaults) == "b:\n  c: y\n");
  CHECK(ConfigDiffYaml("a: 1\nb:\n  c: x\n  d: [1, 3]\ne: keep\n", defaults) == "b:\n  d: [1, 3]\n");
  CHECK(ConfigDiffYaml(defaults, defaults) == "{}\n");
  CHECK(ConfigDiffYaml("a: 1\nnew: 2\n", "a: 1\n") == "new: 2\n");
}

TEST_CASE("the defaults are those of an empty config file") {
  const std::string d = StoreDefaultConfigYaml();
  CHECK(d.find("http_listen_port: 3100") != std::string::npos);
  CHECK(d.find("auth_enabled: true") != std::string::npos);
  CHECK(ConfigDiffYaml(d, d) == "{}\n");
}
