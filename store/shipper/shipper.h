// Shipper: on write nodes with object storage, seals the local chunk segment files that hold
// indexed chunks, uploads each as an immutable object with an index object beside it, then points
// the local index at the object and removes the local copy (store/shipper/FORMAT.md).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/metrics.h"
#include "common/status.h"
#include "store/shipper/periodic_loop.h"
#include "store/objstore/object_store.h"

namespace skald::head {
class Ingester;
}

namespace skald::shipper {

struct ShipperOptions {
  head::Ingester* ingester = nullptr;
  objstore::ObjectStore* bucket = nullptr;
  std::string node_id;                     // part of every key this node writes
  std::string scratch_dir;                 // where index files are built before upload
  int64_t interval_ns = 60LL * 1000000000; // skald_object_store.upload_interval
  std::function<int64_t()> now_ns;         // null = system clock
  metrics::Registry* registry = nullptr;   // null = Registry::Default()
};

struct ShipStats {
  int64_t segments = 0, bytes = 0, failures = 0, removed_local = 0;
};

class Shipper {
 public:
  static Result<std::unique_ptr<Shipper>> Open(ShipperOptions o);
  ~Shipper();   // Stop()s
  void Start();
  // Stops the loop; with final_pass, ships what is flushed first (graceful shutdown).
  void Stop(bool final_pass = false);
  // One pass: removes local copies shipped by the previous pass, then seals and ships every local
  // segment with indexed chunks. Serialized with the loop.
  Result<ShipStats> ShipOnce();

 private:
  explicit Shipper(ShipperOptions o);
  void Pass();   // one loop pass: logs what fails
  Result<std::vector<std::string>> SealLocalSegments(bool indexed);
  Status QueueLeftovers();
  Status ShipSegment(const std::string& rel, int64_t now, ShipStats* s);
  Status RemoveShipped(ShipStats* s);

  ShipperOptions o_;
  std::mutex run_mu_;                      // one pass at a time
  std::vector<std::string> to_remove_;     // local copies shipped by the last pass; run_mu_
  int64_t last_ship_ns_ = 0;               // run_mu_
  PeriodicLoop loop_;
  metrics::Counter* segments_ = nullptr;
  metrics::Counter* bytes_ = nullptr;
  metrics::Counter* failures_ = nullptr;
  metrics::Gauge* last_success_ = nullptr;
};

}  // namespace skald::shipper
