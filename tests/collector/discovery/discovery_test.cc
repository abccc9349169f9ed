// Discovery: docker_sd meta labels from real-shaped Docker API JSON, LogPath translation, filters,
// and static file globs (`**`, excludes) over a real directory tree.
#include <catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "collector/discovery/docker_discovery.h"
#include "collector/discovery/docker_targets.h"
#include "collector/discovery/file_glob.h"

using namespace skald;
using namespace skald::discovery;

namespace {
const char* kNetworks = R"([
 {"Name":"none","Id":"c8bd","Scope":"local","Driver":"null","Internal":false,"Ingress":false,"Labels":{}},
 {"Name":"demo_default","Id":"n1","Scope":"local","Driver":"bridge","Internal":true,"Ingress":false,
  "Labels":{"com.docker.compose.network":"default"}}])";

const char* kContainers = R"([
 {"Id":"aaa","Names":["/demo-web-1"],"Image":"busybox:skald","Ports":[
    {"IP":"0.0.0.0","PrivatePort":8080,"PublicPort":18080,"Type":"tcp"},{"PrivatePort":53,"Type":"udp"}],
  "Labels":{"com.docker.compose.service":"web","com.docker.compose.project":"demo","a-b.c":"x"},
  "State":"running","HostConfig":{"NetworkMode":"demo_default"},
  "NetworkSettings":{"Networks":{"demo_default":{"NetworkID":"n1","IPAddress":"172.18.0.2"}}}},
 {"Id":"bbb","Names":["/quiet"],"Ports":[],"Labels":{},"HostConfig":{"NetworkMode":"none"},
  "NetworkSettings":{"Networks":{"none":{"NetworkID":"c8bd","IPAddress":""}}}},
 {"Id":"ccc","Names":["/hostnet"],"Ports":[],"Labels":{},"HostConfig":{"NetworkMode":"host"},
  "NetworkSettings":{"Networks":{"host":{"NetworkID":"zz","IPAddress":""}}}},
 {"Id":"ddd","Names":[],"Labels":{}}])";

std::string Get(const Target& t, const char* name) { return std::string(t.labels.Get(name).value_or("")); }
}  // namespace

TEST_CASE("docker_sd meta labels") {
  auto nets = ParseNetworks(kNetworks);
  REQUIRE(nets.ok());
  DockerSDConfig cfg;
  auto ts = ContainersToTargets(kContainers, *nets, cfg);
  REQUIRE(ts.ok());
  REQUIRE(ts->size() == 3);  // a container without names is skipped, like Prometheus does
  const Target& web = (*ts)[0];
  struct Want { const char* name; const char* value; };
  std::vector<Want> want = {
      {"__meta_docker_container_id", "aaa"},
      {"__meta_docker_container_name", "/demo-web-1"},
      {"__meta_docker_container_image", "busybox:skald"},
      {"__meta_docker_container_network_mode", "demo_default"},
      {"__meta_docker_container_label_com_docker_compose_service", "web"},
      {"__meta_docker_container_label_com_docker_compose_project", "demo"},
      {"__meta_docker_container_label_a_b_c", "x"},
      {"__meta_docker_network_id", "n1"},
      {"__meta_docker_network_name", "demo_default"},
      {"__meta_docker_network_scope", "local"},
      {"__meta_docker_network_internal", "true"},
      {"__meta_docker_network_ingress", "false"},
      {"__meta_docker_network_label_com_docker_compose_network", "default"},
      {"__meta_docker_network_ip", "172.18.0.2"},
      {"__meta_docker_port_private", "8080"},
      {"__meta_docker_port_public", "18080"},
      {"__meta_docker_port_public_ip", "0.0.0.0"},
      {"__address__", "172.18.0.2:8080"},
  };
  for (const auto& w : want) {
    INFO(w.name);
    REQUIRE(Get(web, w.name) == w.value);
  }
  REQUIRE(web.key == "docker/aaa");
  REQUIRE(web.kind == TargetKind::kDockerJson);
  const Target& quiet = (*ts)[1];
  REQUIRE(Get(quiet, "__meta_docker_network_name") == "none");
  REQUIRE_FALSE(quiet.labels.Has("__meta_docker_port_private"));
  REQUIRE_FALSE(quiet.labels.Has("__address__"));
  REQUIRE(Get((*ts)[2], "__address__") == "localhost:80");  // host networking: host_networking_host:port
}

TEST_CASE("LogPath parsing and translation under data_root") {
  REQUIRE(*ParseLogPath(R"({"Id":"x","LogPath":"/var/lib/docker/containers/x/x-json.log"})") ==
          "/var/lib/docker/containers/x/x-json.log");
  REQUIRE_FALSE(ParseLogPath(R"({"Id":"x","LogPath":""})").ok());
  char tmpl[] = "/tmp/skald-disc-XXXXXX";
  std::string root = ::mkdtemp(tmpl);
  std::filesystem::create_directories(root + "/containers/abc");
  std::ofstream(root + "/containers/abc/abc-json.log") << "";
  REQUIRE(TranslateLogPath("/nonexistent/docker/containers/abc/abc-json.log", root) ==
          root + "/containers/abc/abc-json.log");
  REQUIRE(TranslateLogPath(root + "/containers/abc/abc-json.log", "/elsewhere") == root + "/containers/abc/abc-json.log");
  REQUIRE(TranslateLogPath("/nonexistent/containers/zzz/zzz-json.log", root) == "/nonexistent/containers/zzz/zzz-json.log");
  std::filesystem::remove_all(root);
}

TEST_CASE("docker filters query") {
  DockerSDConfig cfg;
  cfg.filters = {{"label", {"com.docker.compose.project=demo"}}};
  DockerDiscovery d(cfg, "s", [](const std::string&, std::vector<Target>) {});
  const std::string q = d.FiltersQuery({{"id", {"abc"}}});
  REQUIRE(q == "filters=%7B%22label%22%3A%5B%22com.docker.compose.project%3Ddemo%22%5D%2C%22id%22%3A%5B%22abc%22%5D%7D");
  DockerDiscovery none(DockerSDConfig{}, "s", [](const std::string&, std::vector<Target>) {});
  REQUIRE(none.FiltersQuery({}).empty());
}

TEST_CASE("glob match table") {
  struct Case { const char* pat; const char* path; bool want; };
  std::vector<Case> cases = {
      {"/var/log/*.log", "/var/log/syslog.log", true},
      {"/var/log/*.log", "/var/log/sub/x.log", false},
      {"/var/log/**/*.log", "/var/log/x.log", true},
      {"/var/log/**/*.log", "/var/log/a/b/c/x.log", true},
      {"/var/log/**", "/var/log/a/b", true},
      {"/var/log/?.log", "/var/log/ab.log", false},
      {"/var/log/[ab].log", "/var/log/b.log", true},
      {"/var/*/app/*.log", "/var/x/app/1.log", true},
      {"/var/log/*log", "/var/log/.hidden.log", false},
  };
  for (const auto& c : cases) {
    INFO(c.pat << " ~ " << c.path);
    REQUIRE(GlobMatch(c.pat, c.path) == c.want);
  }
}

TEST_CASE("static file targets over a real tree") {
  char tmpl[] = "/tmp/skald-glob-XXXXXX";
  std::string root = ::mkdtemp(tmpl);
  for (const char* f : {"a.log", "b.txt", "sub/c.log", "sub/deep/d.log", "sub/deep/skip.log"}) {
    std::filesystem::create_directories(std::filesystem::path(root + "/" + f).parent_path());
    std::ofstream(root + "/" + f) << "x\n";
  }
  StaticConfig sc;
  sc.targets = {"localhost"};
  sc.labels = {{"job", "varlogs"}, {"__path__", root + "/**/*.log"}, {"__path_exclude__", root + "/**/skip.log"}};
  auto ts = StaticFileTargets({sc});
  std::vector<std::string> paths;
  for (auto& t : ts) paths.push_back(t.path);
  REQUIRE(paths == std::vector<std::string>{root + "/a.log", root + "/sub/c.log", root + "/sub/deep/d.log"});
  REQUIRE(ts[0].labels.Get("job") == "varlogs");
  REQUIRE(ts[0].labels.Get("__path__") == root + "/**/*.log");
  sc.labels = {{"__path__", root + "/*.log"}};
  REQUIRE(StaticFileTargets({sc}).size() == 1);
  sc.labels = {{"__path__", root + "/sub/c.log"}};
  REQUIRE(StaticFileTargets({sc}).size() == 1);
  std::filesystem::remove_all(root);
}
