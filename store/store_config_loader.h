// Loads skald-store's YAML (a Loki 2.9 config) into StoreConfig: checks every key against Loki's
// sections, binds the ones skald uses, warns about the rest, and derives path_prefix defaults.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "store/store_config.h"

namespace skald {

// Errors name file, line and key (all of them, one per line). Warnings (known Loki keys skald
// ignores) are returned, not logged; the caller logs them once.
Result<StoreConfig> LoadStoreConfig(const std::string& path, bool expand_env,
                                    std::vector<std::string>* warnings);
Result<StoreConfig> ParseStoreConfig(const std::string& name, const std::string& yaml_text,
                                     bool expand_env, std::vector<std::string>* warnings);

// The effective configuration as YAML (for /config and -print-config-stderr); loads back.
std::string StoreConfigToYaml(const StoreConfig& cfg);

}  // namespace skald

namespace skald {

// Fills directories left empty from path_prefix (wal, compactor, chunks, rules), as Loki's common
// config does. Called by the loaders; exposed for tests.
void DeriveStoreDefaults(StoreConfig* cfg);
// Cross-field checks (ports, log level, wal.fsync policy, ...).
Status ValidateStoreConfig(const StoreConfig& cfg);
// -target and object storage (store/store_config_storage.cc): the target is one skald knows, a
// bucket is configured whenever object_store names one, and split targets have a bucket. Fills
// the S3 block's derived fields and skald_cluster's node id.
Status ValidateStorageAndTarget(StoreConfig* cfg);

}  // namespace skald
