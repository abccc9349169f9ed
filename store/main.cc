// skald-store entry point: flags (Loki's names), config loading with file:line errors, then the
// StoreApp until SIGTERM/SIGINT. -verify-config and -health exit without serving.
#include <malloc.h>

#include <cstdio>
#include <string>
#include <vector>

#include "common/cli_flags.h"
#include "common/http/http_server.h"
#include "common/logger.h"
#include "common/shutdown.h"
#include "common/version.h"
#include "store/auth/credentials_file.h"
#include "store/backup/bucket_tool.h"
#include "store/backup/tool_commands.h"
#include "store/ingest/protobuf_log.h"
#include "store/store_app.h"
#include "store/store_config_loader.h"

namespace {

struct Options {
  std::string config_file, log_level, target;
  bool expand_env = false, print_config = false, verify = false, version = false, health = false;
};

skald::Result<skald::StoreConfig> Load(const Options& o, std::vector<std::string>* warnings) {
  skald::StoreConfig cfg;
  if (!o.config_file.empty()) {
    auto loaded = skald::LoadStoreConfig(o.config_file, o.expand_env, warnings);
    if (!loaded.ok()) return loaded.status();
    cfg = std::move(*loaded);
  }
  if (!o.target.empty()) {   // -target wins over the file's `target:`, as in Loki
    cfg.target = o.target;
    auto st = skald::ValidateStorageAndTarget(&cfg);
    if (!st.ok()) return st.Annotate("-target");
  }
  return cfg;
}

int Health(const Options& o) {
  auto cfg = Load(o, nullptr);
  skald::StoreConfig c = cfg.ok() ? *cfg : skald::StoreConfig{};
  return skald::ReadyProbeExitCode(c.server.http_listen_address, c.server.http_listen_port,
                                   c.server.http_tls_config);
}

int Run(const Options& o) {
  std::vector<std::string> warnings;
  auto cfg = Load(o, &warnings);
  if (!cfg.ok()) {
    std::fprintf(stderr, "failed parsing config: %s\n", cfg.status().message().c_str());
    return 1;
  }
  if (!skald::log::ApplyLevelFlag(o.log_level, &cfg->server.log_level)) return 1;
  for (const std::string& w : warnings) SKALD_LOG(warn, w);
  if (o.print_config) std::fputs(skald::StoreConfigToYaml(*cfg).c_str(), stderr);
  if (o.verify) {
    const auto& a = cfg->skald_auth;   // the credentials file is part of the config
    if (cfg->auth_enabled && !a.credentials_file.empty()) {
      auto creds = skald::auth::LoadCredentialsFile(a.credentials_file);
      if (!creds.ok()) {
        std::fprintf(stderr, "failed parsing config: skald_auth.credentials_file: %s\n",
                     creds.status().message().c_str());
        return 1;
      }
    }
    SKALD_LOG(info, "config is valid", {{"file", o.config_file}, {"warnings", warnings.size()}});
    return 0;
  }
  skald::ingest::InstallProtobufLogHandler();  // before any push is parsed
  skald::shutdown::InstallSignalHandlers();
  skald::StoreApp app(std::move(*cfg));
  skald::Status st = app.Start();
  if (!st.ok()) {
    SKALD_LOG(error, "error starting skald-store", {{"err", st.message()}});
    return 1;
  }
  skald::shutdown::Wait();
  SKALD_LOG(info, "received shutdown signal", {{"signal", skald::shutdown::Signal()}});
  app.Stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // glibc gives every pushing thread its own malloc arena; with 16+ HTTP workers that is what
  // pushed peak RSS past 120 MB with two pushers. Two arenas match the 2-core target machine.
  mallopt(M_ARENA_MAX, 2);
  // Request bodies and decoded batches are ~1 MiB: a fixed mmap threshold hands them back to the
  // kernel on free instead of letting glibc's dynamic threshold keep them in fragmented heap.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  // Maintenance subcommands (backup, restore, check, export, import) parse their own flags. Bucket
  // backups find their bucket in a store config file.
  skald::backup::SetBucketConfigLoader(
      [](const std::string& file, bool expand_env) -> skald::Result<skald::objstore::S3Config> {
        auto cfg = skald::LoadStoreConfig(file, expand_env, nullptr);
        if (!cfg.ok()) return cfg.status();
        if (!cfg->storage.enabled())
          return skald::Status::Invalid(file + ": does not use object storage (schema_config.configs[].object_store: s3); "
                                               "back up a single node with -server and -out instead");
        return cfg->storage.s3;
      });
  if (argc > 1 && skald::backup::IsToolCommand(argv[1])) return skald::backup::RunToolCommand(argc - 1, argv + 1);
  Options o;
  skald::FlagSet flags("skald-store");
  flags.String("config.file", &o.config_file, "configuration file to load (Loki YAML)");
  flags.Bool("config.expand-env", &o.expand_env, "expand ${VAR} and ${VAR:-default} in the config");
  flags.Bool("print-config-stderr", &o.print_config, "print the effective config to stderr");
  flags.String("target", &o.target, "what this node runs: all (default), write, read or backend (docs/SCALING.md)");
  flags.String("log.level", &o.log_level, "only log messages at or above: debug, info, warn, error");
  flags.Bool("verify-config", &o.verify, "load and check the config, then exit (0 = valid)");
  flags.Bool("version", &o.version, "print the version and exit");
  flags.Bool("health", &o.health, "GET /ready on the configured port; exit 0 when ready");
  if (int rc = flags.ParseOrUsage(argc, argv,
                                  "\nsubcommands: backup, restore, check, export, import (skald-store <cmd> -h)\n");
      rc >= 0)
    return rc;
  if (o.version) {
    std::printf("skald-store, version %s (compatible with %s)\n", skald::kVersion,
                skald::kCompatibleWith);
    return 0;
  }
  if (o.health) return Health(o);
  return Run(o);
}
