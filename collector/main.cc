// skald-collector entry point: flags (Promtail's names), config loading with file:line errors,
// then the CollectorApp until SIGTERM/SIGINT. -check-syntax and -health exit without running.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "collector/collector_app.h"
#include "collector/collector_config_loader.h"
#include "collector/pipeline/dry_run.h"
#include "collector/scrape_hooks.h"
#include "common/cli_flags.h"
#include "common/http/http_server.h"
#include "common/logger.h"
#include "common/shutdown.h"
#include "common/version.h"

namespace {

struct Options {
  std::string config_file, log_level;
  bool expand_env = false, print_config = false, check_syntax = false, dry_run = false;
  bool stdin_input = false;
  bool version = false, health = false;
};

skald::Result<skald::CollectorConfig> Load(const Options& o, std::vector<std::string>* warnings) {
  if (o.config_file.empty()) return skald::Status::Invalid("-config.file is required");
  return skald::LoadCollectorConfig(o.config_file, o.expand_env, warnings);
}

int Health(const Options& o) {
  auto cfg = Load(o, nullptr);
  skald::CollectorConfig c = cfg.ok() ? *cfg : skald::CollectorConfig{};
  return skald::ReadyProbeExitCode(c.server.http_listen_address, c.server.http_listen_port,
                                   c.server.http_tls_config);
}

int Run(const Options& o) {
  std::vector<std::string> warnings;
  auto cfg = Load(o, &warnings);
  if (!cfg.ok()) {
    std::fprintf(stderr, "error loading config: %s\n", cfg.status().message().c_str());
    return 1;
  }
  if (!skald::log::ApplyLevelFlag(o.log_level, &cfg->server.log_level)) return 1;
  for (const std::string& w : warnings) SKALD_LOG(warn, w);
  if (o.print_config) std::fputs(skald::CollectorConfigToYaml(*cfg).c_str(), stderr);
  if (o.check_syntax) {
    skald::Status vs = skald::ValidateScrapeConfigs(*cfg);
    if (!vs.ok()) {
      std::fprintf(stderr, "error in config: %s\n", vs.message().c_str());
      return 1;
    }
    std::printf("Valid config file! No syntax issues found\n");
    return 0;
  }
  if (o.dry_run || o.stdin_input) {
    if (!o.dry_run || !o.stdin_input) {
      std::fprintf(stderr, "-dry-run and -stdin go together here: lines read from stdin are run "
                           "through each scrape config and printed (pushing stdin is not supported)\n");
      return 2;
    }
    return skald::pipeline::RunDryRun(*cfg, std::cin, std::cout);
  }
  skald::shutdown::InstallSignalHandlers();
  skald::CollectorApp app(std::move(*cfg), skald::CollectorAppOptions{o.dry_run});
  skald::Status st = app.Start();
  if (!st.ok()) {
    SKALD_LOG(error, "error starting skald-collector", {{"err", st.message()}});
    return 1;
  }
  skald::shutdown::Wait();
  SKALD_LOG(info, "received shutdown signal", {{"signal", skald::shutdown::Signal()}});
  app.Stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  skald::FlagSet flags("skald-collector");
  flags.String("config.file", &o.config_file, "configuration file to load (Promtail YAML)");
  flags.Bool("config.expand-env", &o.expand_env, "expand ${VAR} and ${VAR:-default} in the config");
  flags.Bool("print-config-stderr", &o.print_config, "print the effective config to stderr");
  flags.String("log.level", &o.log_level, "only log messages at or above: debug, info, warn, error");
  flags.Bool("check-syntax", &o.check_syntax, "check the config file syntax, then exit");
  flags.Bool("dry-run", &o.dry_run, "print log entries instead of sending them to the store");
  flags.Bool("stdin", &o.stdin_input, "read lines from stdin (with -dry-run: print each final entry)");
  flags.Bool("version", &o.version, "print the version and exit");
  flags.Bool("health", &o.health, "GET /ready on the configured port; exit 0 when ready");
  if (int rc = flags.ParseOrUsage(argc, argv); rc >= 0) return rc;
  if (o.version) {
    std::printf("skald-collector, version %s (compatible with %s)\n", skald::kVersion,
                skald::kCompatibleWith);
    return 0;
  }
  if (o.health) return Health(o);
  return Run(o);
}
