// Custom metric series bookkeeping and text exposition.
#include "collector/pipeline/stages/custom_metrics.h"

#include <cmath>

#include "collector/pipeline/stages/config.h"

namespace skald::pipeline {

Result<CustomMetrics::Family*> CustomMetrics::Register(const std::string& name, const std::string& help,
                                                        Type type, std::vector<double> buckets,
                                                        int64_t max_idle_ns) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = families_.find(name);
  if (it != families_.end()) {
    if (it->second->type != type) return Status::Invalid("metric " + name + " is already registered with another type");
    return it->second.get();
  }
  auto f = std::make_unique<Family>(Family{name, help, type, std::move(buckets), max_idle_ns, {}});
  Family* p = f.get();
  families_.emplace(name, std::move(f));
  return p;
}

CustomMetrics::Series& CustomMetrics::Get(Family* f, const LabelSet& ls, int64_t now_ns) {
  Series& s = f->series[ls];
  if (f->type == Type::kHistogram && s.bucket_counts.empty()) s.bucket_counts.assign(f->buckets.size(), 0);
  s.last_ns = now_ns;
  return s;
}

void CustomMetrics::Add(Family* f, const LabelSet& ls, double delta, int64_t now_ns) {
  std::lock_guard<std::mutex> l(mu_);
  Get(f, ls, now_ns).value += delta;
}

void CustomMetrics::Set(Family* f, const LabelSet& ls, double v, int64_t now_ns) {
  std::lock_guard<std::mutex> l(mu_);
  Get(f, ls, now_ns).value = v;
}

void CustomMetrics::Observe(Family* f, const LabelSet& ls, double v, int64_t now_ns) {
  std::lock_guard<std::mutex> l(mu_);
  Series& s = Get(f, ls, now_ns);
  for (size_t i = 0; i < f->buckets.size(); ++i)
    if (v <= f->buckets[i]) ++s.bucket_counts[i];
  s.value += v;
  ++s.count;
}

void CustomMetrics::Expire(int64_t now_ns) {
  std::lock_guard<std::mutex> l(mu_);
  for (auto& [_, f] : families_)
    for (auto it = f->series.begin(); it != f->series.end();)
      it = now_ns - it->second.last_ns > f->max_idle_ns ? f->series.erase(it) : std::next(it);
}

double CustomMetrics::Value(const std::string& name, const LabelSet& ls) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = families_.find(name);
  if (it == families_.end()) return NAN;
  auto s = it->second->series.find(ls);
  return s == it->second->series.end() ? NAN : s->second.value;
}

namespace {

std::string Labels(const LabelSet& ls, const std::string& extra_name = "", const std::string& extra = "") {
  std::string out;
  for (const auto& l : ls) out += (out.empty() ? "" : ",") + l.name + "=" + GoQuote(l.value);
  if (!extra_name.empty()) out += (out.empty() ? "" : ",") + extra_name + "=\"" + extra + "\"";
  return out.empty() ? "" : "{" + out + "}";
}

}  // namespace

std::string CustomMetrics::Exposition() const {
  std::lock_guard<std::mutex> l(mu_);
  std::string out;
  for (const auto& [name, f] : families_) {
    const char* type = f->type == Type::kCounter ? "counter" : f->type == Type::kGauge ? "gauge" : "histogram";
    out += "# HELP " + name + " " + f->help + "\n# TYPE " + name + " " + type + "\n";
    for (const auto& [ls, s] : f->series) {
      if (f->type != Type::kHistogram) {
        out += name + Labels(ls) + " " + FormatGoFloat(s.value) + "\n";
        continue;
      }
      for (size_t i = 0; i < f->buckets.size(); ++i)
        out += name + "_bucket" + Labels(ls, "le", FormatGoFloat(f->buckets[i])) + " " +
               std::to_string(s.bucket_counts[i]) + "\n";
      out += name + "_bucket" + Labels(ls, "le", "+Inf") + " " + std::to_string(s.count) + "\n";
      out += name + "_sum" + Labels(ls) + " " + FormatGoFloat(s.value) + "\n";
      out += name + "_count" + Labels(ls) + " " + std::to_string(s.count) + "\n";
    }
  }
  return out;
}

}  // namespace skald::pipeline
