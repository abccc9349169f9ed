// Parsing of Docker API JSON (simdjson DOM) into docker_sd targets and labels.
#include "collector/discovery/docker_targets.h"

#include <sys/stat.h>

#include <simdjson.h>

namespace skald::discovery {

namespace {
constexpr std::string_view kMeta = "__meta_docker_";

std::string Str(simdjson::dom::element e) {
  std::string_view s;
  return e.get(s) == simdjson::SUCCESS ? std::string(s) : std::string();
}

void AddLabelMap(simdjson::dom::element obj, const std::string& prefix, std::vector<Label>* out) {
  simdjson::dom::object o;
  if (obj.get(o) != simdjson::SUCCESS) return;
  for (auto kv : o) out->push_back({prefix + SanitizeLabelName(kv.key), Str(kv.value)});
}

std::string Bool(simdjson::dom::element e) {
  bool b = false;
  return (e.get(b) == simdjson::SUCCESS && b) ? "true" : "false";
}
}  // namespace

Result<NetworkLabels> ParseNetworks(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::array arr;
  if (parser.parse(json.data(), json.size()).get(arr) != simdjson::SUCCESS) {
    return Status::Corruption("docker /networks: not a JSON array");
  }
  NetworkLabels out;
  for (simdjson::dom::element n : arr) {
    std::string id = Str(n["Id"]);
    std::vector<Label> l = {{std::string(kMeta) + "network_id", id},
                            {std::string(kMeta) + "network_name", Str(n["Name"])},
                            {std::string(kMeta) + "network_scope", Str(n["Scope"])},
                            {std::string(kMeta) + "network_internal", Bool(n["Internal"])},
                            {std::string(kMeta) + "network_ingress", Bool(n["Ingress"])}};
    AddLabelMap(n["Labels"], std::string(kMeta) + "network_label_", &l);
    out[id] = std::move(l);
  }
  return out;
}

namespace {
// Adds network and port labels of the first network and first TCP port; returns __address__.
std::string AddNetworkLabels(simdjson::dom::element c, const NetworkLabels& nets, const DockerSDConfig& cfg,
                             const std::string& mode, std::vector<Label>* l) {
  std::string ip;
  simdjson::dom::object networks;
  if (c["NetworkSettings"]["Networks"].get(networks) == simdjson::SUCCESS) {
    for (auto kv : networks) {
      ip = Str(kv.value["IPAddress"]);
      auto it = nets.find(Str(kv.value["NetworkID"]));
      if (it != nets.end()) l->insert(l->end(), it->second.begin(), it->second.end());
      l->push_back({std::string(kMeta) + "network_ip", ip});
      break;
    }
  }
  std::string port = std::to_string(cfg.port);
  simdjson::dom::array ports;
  if (c["Ports"].get(ports) == simdjson::SUCCESS) {
    for (simdjson::dom::element p : ports) {
      if (Str(p["Type"]) != "tcp") continue;
      int64_t priv = 0, pub = 0;
      if (p["PrivatePort"].get(priv) != simdjson::SUCCESS) continue;
      port = std::to_string(priv);
      l->push_back({std::string(kMeta) + "port_private", port});
      if (p["PublicPort"].get(pub) == simdjson::SUCCESS && pub > 0) {
        l->push_back({std::string(kMeta) + "port_public", std::to_string(pub)});
        l->push_back({std::string(kMeta) + "port_public_ip", Str(p["IP"])});
      }
      break;
    }
  }
  if (mode == "host") return cfg.host_networking_host + ":" + port;
  return ip.empty() ? std::string() : ip + ":" + port;
}
}  // namespace

Result<std::vector<Target>> ContainersToTargets(std::string_view json, const NetworkLabels& nets,
                                                const DockerSDConfig& cfg) {
  simdjson::dom::parser parser;
  simdjson::dom::array arr;
  if (parser.parse(json.data(), json.size()).get(arr) != simdjson::SUCCESS) {
    return Status::Corruption("docker /containers/json: not a JSON array");
  }
  std::vector<Target> out;
  for (simdjson::dom::element c : arr) {
    simdjson::dom::array names;
    if (c["Names"].get(names) != simdjson::SUCCESS || names.size() == 0) continue;
    const std::string id = Str(c["Id"]);
    const std::string mode = Str(c["HostConfig"]["NetworkMode"]);
    std::vector<Label> l = {{std::string(kMeta) + "container_id", id},
                            {std::string(kMeta) + "container_name", Str(names.at(0))},
                            {std::string(kMeta) + "container_network_mode", mode}};
    std::string_view image;  // the name the container was created from
    if (c["Image"].get(image) == simdjson::SUCCESS && !image.empty())
      l.push_back({std::string(kMeta) + "container_image", std::string(image)});
    AddLabelMap(c["Labels"], std::string(kMeta) + "container_label_", &l);
    std::string addr = AddNetworkLabels(c, nets, cfg, mode, &l);
    if (!addr.empty()) l.push_back({"__address__", addr});
    out.push_back({"docker/" + id, "", LabelSet(std::move(l)), TargetKind::kDockerJson});
  }
  return out;
}

Result<std::string> ParseLogPath(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json.data(), json.size()).get(doc) != simdjson::SUCCESS) {
    return Status::Corruption("docker inspect: bad JSON");
  }
  std::string p = Str(doc["LogPath"]);
  if (p.empty()) return Status::NotFound("container has no LogPath (not the json-file driver?)");
  return p;
}

std::string TranslateLogPath(const std::string& log_path, const std::string& data_root) {
  struct stat st;
  if (::stat(log_path.c_str(), &st) == 0 || data_root.empty()) return log_path;
  size_t pos = log_path.rfind("/containers/");
  if (pos == std::string::npos) return log_path;
  std::string root = data_root;
  while (!root.empty() && root.back() == '/') root.pop_back();
  std::string mapped = root + log_path.substr(pos);
  return ::stat(mapped.c_str(), &st) == 0 ? mapped : log_path;
}

}  // namespace skald::discovery
