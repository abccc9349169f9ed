// The registry behind the `metrics` stage: counters, gauges and histograms with label sets,
// idle-series expiry (max_idle_duration) and Prometheus text exposition for /metrics.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/labels.h"
#include "common/status.h"

namespace skald::pipeline {

// Thread-safe. Families live as long as the registry.
class CustomMetrics {
 public:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Family;

  // Returns the family, creating it; an existing name with another type is an error.
  Result<Family*> Register(const std::string& name, const std::string& help, Type type,
                           std::vector<double> buckets, int64_t max_idle_ns);

  void Add(Family* f, const LabelSet& ls, double delta, int64_t now_ns);
  void Set(Family* f, const LabelSet& ls, double v, int64_t now_ns);
  void Observe(Family* f, const LabelSet& ls, double v, int64_t now_ns);
  // Removes series not updated for their family's max_idle_duration.
  void Expire(int64_t now_ns);
  // Prometheus text format 0.0.4, families sorted by name.
  std::string Exposition() const;
  // Current value of a counter/gauge series (tests); NaN when absent.
  double Value(const std::string& name, const LabelSet& ls) const;

  struct Series {
    double value = 0;
    std::vector<uint64_t> bucket_counts;
    uint64_t count = 0;
    int64_t last_ns = 0;
  };
  struct Family {
    std::string name, help;
    Type type;
    std::vector<double> buckets;
    int64_t max_idle_ns;
    std::map<LabelSet, Series> series;
  };

 private:
  Series& Get(Family* f, const LabelSet& ls, int64_t now_ns);
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Family>> families_;
};

}  // namespace skald::pipeline
