// A Prometheus metrics registry: counters, gauges and histograms (plain or with label vectors)
// rendered in text exposition format 0.0.4. Increments are lock-free atomics.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

namespace skald::metrics {

class Counter {
 public:
  void Inc(double v = 1) { v_.fetch_add(v, std::memory_order_relaxed); }
  double Value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> v_{0};
};

class Gauge {
 public:
  void Set(double v) { v_.store(v, std::memory_order_relaxed); }
  void Add(double v) { v_.fetch_add(v, std::memory_order_relaxed); }
  void Inc() { Add(1); }
  void Dec() { Add(-1); }
  double Value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> v_{0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void Observe(double v);
  const std::vector<double>& Bounds() const { return bounds_; }
  // Non-cumulative count of bucket i (i == Bounds().size() is the +Inf overflow bucket).
  uint64_t BucketCount(size_t i) const { return counts_[i].load(std::memory_order_relaxed); }
  uint64_t Count() const { return count_.load(std::memory_order_relaxed); }
  double Sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

// Prometheus' DefBuckets and ExponentialBuckets.
std::vector<double> DefaultBuckets();
std::vector<double> ExponentialBuckets(double start, double factor, int count);

enum class Type { kCounter, kGauge, kHistogram };

// A labelled family. WithLabelValues returns a child whose address is stable for the family's
// lifetime: cache it on hot paths (lookup takes a shared lock).
template <typename M>
class Vec {
 public:
  Vec(std::vector<std::string> label_names, std::function<std::unique_ptr<M>()> make)
      : names_(std::move(label_names)), make_(std::move(make)) {}
  M& WithLabelValues(const std::vector<std::string>& values);
  // Removes a child (e.g. a stream or target that went away); false if absent.
  bool Remove(const std::vector<std::string>& values);
  const std::vector<std::string>& LabelNames() const { return names_; }
  // Calls fn(label_values, metric) in label-value order, under a shared lock.
  void ForEach(const std::function<void(const std::vector<std::string>&, const M&)>& fn) const;

 private:
  std::vector<std::string> names_;
  std::function<std::unique_ptr<M>()> make_;
  mutable std::shared_mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<M>> children_;
};

using CounterVec = Vec<Counter>;
using GaugeVec = Vec<Gauge>;
using HistogramVec = Vec<Histogram>;

// Thread-safe. Registering a name twice returns the existing metric when the type and labels
// match (so modules can register idempotently), and throws std::logic_error otherwise (a bug).
class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  static Registry& Default();

  Counter& NewCounter(const std::string& name, const std::string& help);
  Gauge& NewGauge(const std::string& name, const std::string& help);
  Histogram& NewHistogram(const std::string& name, const std::string& help,
                          std::vector<double> buckets = DefaultBuckets());
  CounterVec& NewCounterVec(const std::string& name, const std::string& help,
                            std::vector<std::string> labels);
  GaugeVec& NewGaugeVec(const std::string& name, const std::string& help,
                        std::vector<std::string> labels);
  HistogramVec& NewHistogramVec(const std::string& name, const std::string& help,
                                std::vector<std::string> labels,
                                std::vector<double> buckets = DefaultBuckets());
  // A gauge read at scrape time (queue lengths, open files). fn must be thread-safe.
  void NewGaugeFunc(const std::string& name, const std::string& help, std::function<double()> fn);
  // As NewGaugeFunc, typed counter: a monotonic value read at scrape time (e.g. CPU seconds).
  void NewCounterFunc(const std::string& name, const std::string& help, std::function<double()> fn);
  bool Has(const std::string& name) const;

  // Text exposition format 0.0.4, families sorted by name.
  std::string Expose() const;

 private:
  struct Family;
  Family& Register(const std::string& name, const std::string& help, Type type,
                   const std::vector<std::string>& labels);
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Family>> families_;
};

// Escaping for HELP text and label values, and sample value formatting.
std::string EscapeHelp(const std::string& s);
std::string EscapeLabelValue(const std::string& s);
std::string FormatValue(double v);

inline constexpr const char* kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace skald::metrics
