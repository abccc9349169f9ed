// Checks of -target and object storage: which targets exist, that a bucket is configured where
// schema_config names one, and that the split targets (write/read/backend) have a shared bucket.
#include <fmt/format.h>

#include "store/store_config_loader.h"

namespace skald {

Status ValidateStorageAndTarget(StoreConfig* c) {
  const std::string& t = c->target;
  if (t != "all" && t != "write" && t != "read" && t != "backend") {
    return Status::Invalid(fmt::format(
        "target: unsupported target \"{}\": skald-store runs all (the default), write, read or backend "
        "(Loki's simple scalable targets; microservice targets such as querier or ingester are not split "
        "further, see docs/SCALING.md)", t));
  }
  ObjectStorageConfig& s = c->storage;
  const std::string& os = s.object_store;
  if (os != "filesystem" && os != "s3" && os != "aws") {
    return Status::Invalid(fmt::format(
        "schema_config.configs.object_store: \"{}\" is not supported: use filesystem or s3 (any "
        "S3-compatible store: MinIO, Ceph RGW, Garage, SeaweedFS, AWS)", os));
  }
  if (s.enabled()) {
    SKALD_RETURN_IF_ERROR(objstore::ValidateS3Config(&s.s3, "storage_config.aws"));
  } else if (t != "all") {
    return Status::Invalid(fmt::format(
        "target: \"{}\" needs object storage shared by every node: set schema_config.configs[].object_store: s3 "
        "and the bucket in storage_config.aws (or common.storage.s3)", t));
  }
  if (s.upload_interval_ns <= 0 || s.resync_interval_ns <= 0)
    return Status::Invalid("skald_object_store.upload_interval and storage_config.tsdb_shipper.resync_interval must be positive");
  if (s.chunk_cache_size < (64LL << 20))
    return Status::Invalid("skald_object_store.chunk_cache_size: at least 64MB");
  return cluster::ValidateClusterConfig(&c->skald_cluster);
}

}  // namespace skald
