// skald_cluster: keys bound through the config walker, defaults, and the validation messages.
#include <catch.hpp>

#include <unistd.h>

#include <fstream>

#include "common/config_yaml.h"
#include "store/cluster/cluster_config.h"

namespace skald::cluster {
namespace {

constexpr int64_t kS = 1000000000LL;

Status Load(const std::string& yaml, ClusterConfig* c, std::vector<std::string>* errors = nullptr) {
  auto doc = config::ParseYamlText("test.yaml", yaml, false);
  if (!doc.ok()) return doc.status();
  config::Walker w("test.yaml");
  w.Walk(doc->root, {config::Section("skald_cluster", ClusterKeys(c))}, "");
  if (errors) *errors = w.errors();
  return w.ToStatus();
}

TEST_CASE("skald_cluster defaults: no write nodes, 10s timeout, 30s DNS refresh, fail on a down node") {
  ClusterConfig c;
  CHECK_FALSE(c.enabled());
  CHECK(c.peer_timeout_ns == 10 * kS);
  CHECK(c.dns_refresh_ns == 30 * kS);
  CHECK_FALSE(c.tolerate_unavailable_write_nodes);
  REQUIRE(ValidateClusterConfig(&c).ok());
  char host[256] = {};
  REQUIRE(gethostname(host, sizeof(host) - 1) == 0);
  CHECK(c.node_id == host);
}

TEST_CASE("skald_cluster keys bind") {
  ClusterConfig c;
  Status st = Load(R"(
skald_cluster:
  node_id: read-1
  write_nodes: [http://w1:3100, "dns+writers.svc:3100", "https://[::1]:3101/"]
  peer_timeout: 2s
  dns_refresh_period: 1m
  tolerate_unavailable_write_nodes: true
  basic_auth:
    username: reader
    password: secret
  use_https: true
  tls_config:
    insecure_skip_verify: true
)", &c);
  INFO(st.message());
  REQUIRE(st.ok());
  CHECK(c.node_id == "read-1");
  CHECK(c.write_nodes == std::vector<std::string>{"http://w1:3100", "dns+writers.svc:3100", "https://[::1]:3101/"});
  CHECK(c.peer_timeout_ns == 2 * kS);
  CHECK(c.dns_refresh_ns == 60 * kS);
  CHECK(c.tolerate_unavailable_write_nodes);
  CHECK(c.use_https);
  CHECK(c.tls.insecure_skip_verify);
  REQUIRE(ValidateClusterConfig(&c).ok());
  auto creds = LoadPeerCredentials(c);
  REQUIRE(creds.ok());
  CHECK(creds->username == "reader");
  CHECK(creds->password == "secret");
}

TEST_CASE("an unknown skald_cluster key is an error with a suggestion") {
  ClusterConfig c;
  std::vector<std::string> errors;
  Status st = Load("skald_cluster:\n  write_node: [http://a:1]\n", &c, &errors);
  REQUIRE_FALSE(st.ok());
  CHECK(st.message().find("test.yaml:2") != std::string::npos);
  CHECK(st.message().find("write_nodes") != std::string::npos);
}

TEST_CASE("bad write node entries are refused naming the entry") {
  struct Case {
    const char* node;
    const char* want;
  };
  for (Case k : {Case{"w1:3100", "want http://host:port"}, Case{"dns+w1", "want host:port"},
                 Case{"http://w1:99999", "bad port"}, Case{"http://w1:3100/loki", "no path"}}) {
    INFO(k.node);
    ClusterConfig c;
    c.write_nodes.push_back("http://ok:1");
    c.write_nodes.push_back(k.node);
    Status st = ValidateClusterConfig(&c);
    REQUIRE_FALSE(st.ok());
    CHECK(st.message().find("skald_cluster.write_nodes[1]") != std::string::npos);
    CHECK(st.message().find(k.want) != std::string::npos);
  }
}

TEST_CASE("skald_cluster validation names the bad key") {
  struct Case {
    const char* name;
    std::string user, password, token, token_file, cert_file;
    int64_t timeout_ns;
    const char* want;
  };
  const std::vector<Case> cases = {
      {"basic and bearer", "u", "", "t", "", "", kS, "not both"},
      {"password without user", "", "p", "", "", "", kS, "needs a username"},
      {"missing token file", "", "", "", "/nonexistent/token", "", kS, "bearer_token_file: cannot read"},
      {"cert without key", "", "", "", "", "/etc/hostname", kS, "go together"},
      {"zero timeout", "", "", "", "", "", 0, "peer_timeout"},
  };
  for (const auto& k : cases) {
    INFO(k.name);
    ClusterConfig c;
    c.basic_auth_username = k.user;
    c.basic_auth_password = k.password;
    c.bearer_token = k.token;
    c.bearer_token_file = k.token_file;
    c.tls.cert_file = k.cert_file;
    c.peer_timeout_ns = k.timeout_ns;
    Status st = ValidateClusterConfig(&c);
    REQUIRE_FALSE(st.ok());
    CHECK(st.message().find(k.want) != std::string::npos);
  }
}

TEST_CASE("credential files are read and trimmed") {
  char path[] = "/tmp/skald-cluster-token-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  close(fd);
  std::ofstream(path) << "  tok-123\n";
  ClusterConfig c;
  c.bearer_token_file = path;
  auto creds = LoadPeerCredentials(c);
  unlink(path);
  REQUIRE(creds.ok());
  CHECK(creds->bearer_token == "tok-123");
}

}  // namespace
}  // namespace skald::cluster
