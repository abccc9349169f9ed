// Registry bookkeeping and text exposition. Families live until the registry dies, so references
// handed out by New*/WithLabelValues stay valid; the registry mutex is only taken at registration
// and scrape time.
#include "common/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace skald::metrics {

Histogram::Histogram(std::vector<double> upper_bounds) : bounds_(std::move(upper_bounds)) {
  std::sort(bounds_.begin(), bounds_.end());
  bounds_.erase(std::unique(bounds_.begin(), bounds_.end()), bounds_.end());
  if (!bounds_.empty() && std::isinf(bounds_.back())) bounds_.pop_back();
  counts_ = std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1);
}

void Histogram::Observe(double v) {
  size_t i = size_t(std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin());
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<double> DefaultBuckets() {
  return {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10};
}

std::vector<double> ExponentialBuckets(double start, double factor, int count) {
  std::vector<double> b;
  for (int i = 0; i < count; ++i, start *= factor) b.push_back(start);
  return b;
}

template <typename M>
M& Vec<M>::WithLabelValues(const std::vector<std::string>& values) {
  if (values.size() != names_.size()) {
    throw std::logic_error("metrics: wrong number of label values");
  }
  {
    std::shared_lock<std::shared_mutex> lock(mu_);
    auto it = children_.find(values);
    if (it != children_.end()) return *it->second;
  }
  std::unique_lock<std::shared_mutex> lock(mu_);
  auto& slot = children_[values];
  if (!slot) slot = make_();
  return *slot;
}

template <typename M>
bool Vec<M>::Remove(const std::vector<std::string>& values) {
  std::unique_lock<std::shared_mutex> lock(mu_);
  return children_.erase(values) > 0;
}

template <typename M>
void Vec<M>::ForEach(
    const std::function<void(const std::vector<std::string>&, const M&)>& fn) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  for (const auto& [values, m] : children_) fn(values, *m);
}

template class Vec<Counter>;
template class Vec<Gauge>;
template class Vec<Histogram>;

struct Registry::Family {
  std::string name, help;
  Type type = Type::kCounter;
  std::vector<std::string> labels;
  std::vector<double> buckets;
  std::unique_ptr<CounterVec> counters;
  std::unique_ptr<GaugeVec> gauges;
  std::unique_ptr<HistogramVec> histograms;
  std::function<double()> fn;
};

Registry::Registry() = default;
Registry::~Registry() = default;

Registry& Registry::Default() {
  static Registry* r = new Registry();  // never destroyed: metrics may be touched at exit
  return *r;
}

Registry::Family& Registry::Register(const std::string& name, const std::string& help, Type type,
                                     const std::vector<std::string>& labels) {
  auto& slot = families_[name];
  if (slot) {
    if (slot->type != type || slot->labels != labels || slot->fn) {
      throw std::logic_error("metrics: " + name + " registered twice with different shapes");
    }
    return *slot;
  }
  slot = std::make_unique<Family>();
  slot->name = name;
  slot->help = help;
  slot->type = type;
  slot->labels = labels;
  return *slot;
}

CounterVec& Registry::NewCounterVec(const std::string& name, const std::string& help,
                                    std::vector<std::string> labels) {
  std::lock_guard<std::mutex> lock(mu_);
  Family& f = Register(name, help, Type::kCounter, labels);
  if (!f.counters) {
    f.counters = std::make_unique<CounterVec>(labels, [] { return std::make_unique<Counter>(); });
  }
  return *f.counters;
}

GaugeVec& Registry::NewGaugeVec(const std::string& name, const std::string& help,
                                std::vector<std::string> labels) {
  std::lock_guard<std::mutex> lock(mu_);
  Family& f = Register(name, help, Type::kGauge, labels);
  if (!f.gauges) {
    f.gauges = std::make_unique<GaugeVec>(labels, [] { return std::make_unique<Gauge>(); });
  }
  return *f.gauges;
}

HistogramVec& Registry::NewHistogramVec(const std::string& name, const std::string& help,
                                        std::vector<std::string> labels,
                                        std::vector<double> buckets) {
  std::lock_guard<std::mutex> lock(mu_);
  Family& f = Register(name, help, Type::kHistogram, labels);
  if (!f.histograms) {
    f.histograms = std::make_unique<HistogramVec>(
        labels, [buckets] { return std::make_unique<Histogram>(buckets); });
  }
  return *f.histograms;
}

Counter& Registry::NewCounter(const std::string& name, const std::string& help) {
  return NewCounterVec(name, help, {}).WithLabelValues({});
}

Gauge& Registry::NewGauge(const std::string& name, const std::string& help) {
  return NewGaugeVec(name, help, {}).WithLabelValues({});
}

Histogram& Registry::NewHistogram(const std::string& name, const std::string& help,
                                  std::vector<double> buckets) {
  return NewHistogramVec(name, help, {}, std::move(buckets)).WithLabelValues({});
}

void Registry::NewGaugeFunc(const std::string& name, const std::string& help,
                            std::function<double()> fn) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = families_[name];
  if (slot) throw std::logic_error("metrics: " + name + " registered twice");
  slot = std::make_unique<Family>();
  slot->name = name;
  slot->help = help;
  slot->type = Type::kGauge;
  slot->fn = std::move(fn);
}

void Registry::NewCounterFunc(const std::string& name, const std::string& help,
                              std::function<double()> fn) {
  NewGaugeFunc(name, help, std::move(fn));
  std::lock_guard<std::mutex> lock(mu_);
  families_[name]->type = Type::kCounter;
}

bool Registry::Has(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  return families_.count(name) > 0;
}

std::string EscapeHelp(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string EscapeLabelValue(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '"') out += "\\\"";
    else out += c;
  }
  return out;
}

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, p) : "NaN";
}

namespace {

std::string LabelText(const std::vector<std::string>& names, const std::vector<std::string>& values,
                      const std::string& extra_name = "", const std::string& extra_value = "") {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    out += (out.empty() ? "" : ",") + names[i] + "=\"" + EscapeLabelValue(values[i]) + "\"";
  }
  if (!extra_name.empty()) {
    out += (out.empty() ? "" : ",") + extra_name + "=\"" + extra_value + "\"";
  }
  return out.empty() ? out : "{" + out + "}";
}

void ExposeHistogram(std::string* out, const std::string& name,
                     const std::vector<std::string>& names, const std::vector<std::string>& values,
                     const Histogram& h) {
  uint64_t cumulative = 0;
  for (size_t i = 0; i <= h.Bounds().size(); ++i) {
    cumulative += h.BucketCount(i);
    std::string le = i < h.Bounds().size() ? FormatValue(h.Bounds()[i]) : "+Inf";
    *out += name + "_bucket" + LabelText(names, values, "le", le) + " " +
            std::to_string(cumulative) + "\n";
  }
  *out += name + "_sum" + LabelText(names, values) + " " + FormatValue(h.Sum()) + "\n";
  *out += name + "_count" + LabelText(names, values) + " " + std::to_string(cumulative) + "\n";
}

}  // namespace

std::string Registry::Expose() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  static const char* kTypeNames[] = {"counter", "gauge", "histogram"};
  for (const auto& family : families_) {
    const std::string& name = family.first;
    const auto& f = family.second;
    std::string body;
    if (f->fn) {
      body += name + " " + FormatValue(f->fn()) + "\n";
    } else if (f->counters) {
      f->counters->ForEach([&](const std::vector<std::string>& v, const Counter& c) {
        body += name + LabelText(f->labels, v) + " " + FormatValue(c.Value()) + "\n";
      });
    } else if (f->gauges) {
      f->gauges->ForEach([&](const std::vector<std::string>& v, const Gauge& g) {
        body += name + LabelText(f->labels, v) + " " + FormatValue(g.Value()) + "\n";
      });
    } else if (f->histograms) {
      f->histograms->ForEach([&](const std::vector<std::string>& v, const Histogram& h) {
        ExposeHistogram(&body, name, f->labels, v, h);
      });
    }
    if (body.empty()) continue;  // a vector with no children yet, as client_golang
    out += "# HELP " + name + " " + EscapeHelp(f->help) + "\n";
    out += "# TYPE " + name + " " + kTypeNames[int(f->type)] + "\n";
    out += body;
  }
  return out;
}

}  // namespace skald::metrics
