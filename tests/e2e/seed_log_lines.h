// Realistic container log lines of the seed's services (postgres, mariadb, authelia, caddy, vllm,
// probe-orchestrator), labelled as configs/skald-collector.yaml labels them, and a JSON push body.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace skald::e2e {

// One pushed line and the fields the oracles need (what `| json` / `| logfmt` would extract).
struct SeedLine {
  std::string service, stream, text;
  int64_t ts = 0;
  int status = 0;   // caddy: JSON "status"
  double dur = -1;  // caddy: JSON "duration" (s); vllm: "duration" Go duration, in s
  std::string method, remote_ip, msg;
};

// Lines of six services, 0.5 s apart, all in the 200 s before `now_ns`.
std::vector<SeedLine> MakeSeedLines(int64_t now_ns);
// The labels configs/skald-collector.yaml gives the line (job, container, service, level, ...).
std::map<std::string, std::string> SeedLabels(const SeedLine& l);
// A Loki JSON push body holding every line under its labels.
std::string SeedPushBody(const std::vector<SeedLine>& lines);

}  // namespace skald::e2e
