// `metrics` stage: Promtail's custom counters, gauges and histograms fed from extracted values,
// named `<prefix><name>` (prefix default `promtail_custom_`), labelled with the entry's labels.
#include <chrono>
#include <charconv>

#include "collector/pipeline/stages/config.h"
#include "collector/pipeline/stages/custom_metrics.h"
#include "collector/pipeline/stages/factories.h"

namespace skald::pipeline {
namespace {

using Type = CustomMetrics::Type;

struct MetricDef {
  CustomMetrics::Family* family = nullptr;
  Type type = Type::kCounter;
  std::string source, action;
  std::optional<std::string> value;
  bool match_all = false, count_bytes = false;
};

bool ToFloat(const std::string& s, double* v) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), *v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

class MetricsStage : public Stage {
 public:
  std::string_view Name() const override { return "metrics"; }
  void Process(Entry& e) override {
    int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::steady_clock::now().time_since_epoch()).count();
    for (const auto& m : defs_) Apply(m, e, now);
  }
  std::vector<MetricDef> defs_;
  std::shared_ptr<CustomMetrics> reg_;

 private:
  void Apply(const MetricDef& m, const Entry& e, int64_t now) {
    if (m.type == Type::kCounter && m.match_all) {
      reg_->Add(m.family, e.labels, m.count_bytes ? static_cast<double>(e.line.size()) : 1.0, now);
      return;
    }
    const std::string* v = e.extracted.Get(m.source);
    if (!v) return;
    if (m.value && *v != *m.value) return;
    double f = 0;
    bool num = ToFloat(*v, &f);
    if (m.type == Type::kHistogram) {
      if (num) reg_->Observe(m.family, e.labels, f, now);
      return;
    }
    if (m.action == "inc") reg_->Add(m.family, e.labels, m.count_bytes ? double(e.line.size()) : 1.0, now);
    else if (m.action == "dec") reg_->Add(m.family, e.labels, -1.0, now);
    else if (!num) return;
    else if (m.action == "add") reg_->Add(m.family, e.labels, f, now);
    else if (m.action == "sub") reg_->Add(m.family, e.labels, -f, now);
    else if (m.action == "set") reg_->Set(m.family, e.labels, f, now);
  }
};

Status ParseMetric(const std::string& name, const YAML::Node& n, const StageContext& ctx, MetricsStage* st) {
  ConfigReader r(n, "metrics", ctx);
  r.Only({"type", "description", "source", "prefix", "max_idle_duration", "config"});
  MetricDef d;
  std::string type = r.String("type", "");
  for (char& c : type) c = static_cast<char>(::tolower(static_cast<unsigned char>(c)));
  std::string help = r.String("description", "");
  d.source = r.String("source", name);
  std::string prefix = r.String("prefix", "promtail_custom_");
  int64_t idle = r.DurationNs("max_idle_duration").value_or(300LL * 1000000000LL);
  ConfigReader c(r.Node("config"), "metrics", ctx);
  d.action = c.String("action", "");
  d.value = c.String("value");
  d.match_all = c.Bool("match_all").value_or(false);
  d.count_bytes = c.Bool("count_entry_bytes").value_or(false);
  std::vector<double> buckets;
  for (const auto& b : c.StringList("buckets")) {
    double v = 0;
    if (!ToFloat(b, &v)) c.Fail("buckets", "invalid bucket \"" + b + "\"");
    buckets.push_back(v);
  }
  SKALD_RETURN_IF_ERROR(r.Done());
  SKALD_RETURN_IF_ERROR(c.Done());
  if (type == "counter") d.type = Type::kCounter;
  else if (type == "gauge") d.type = Type::kGauge;
  else if (type == "histogram") d.type = Type::kHistogram;
  else return r.Error("type", "metric " + name + ": unknown metric type \"" + type + "\" (counter, gauge, histogram)");
  if (d.type == Type::kCounter && d.action != "inc" && d.action != "add")
    return c.Error("action", "metric " + name + ": counter action must be inc or add");
  if (d.type == Type::kGauge && d.action != "set" && d.action != "inc" && d.action != "dec" &&
      d.action != "add" && d.action != "sub")
    return c.Error("action", "metric " + name + ": gauge action must be set, inc, dec, add or sub");
  if (d.match_all && d.value) return c.Error("match_all", "metric " + name + ": match_all and value are mutually exclusive");
  if (d.count_bytes && !d.match_all) return c.Error("count_entry_bytes", "metric " + name + ": count_entry_bytes requires match_all");
  if (idle < 1000000000LL) return r.Error("max_idle_duration", "max_idle_duration must be greater than or equal to 1s");
  if (d.type == Type::kHistogram && buckets.empty()) buckets = {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10};
  auto fam = st->reg_->Register(prefix + name, help, d.type, buckets, idle);
  if (!fam.ok()) return r.Error(nullptr, fam.status().message());
  d.family = *fam;
  st->defs_.push_back(std::move(d));
  return Status::Ok();
}

}  // namespace

Result<StagePtr> NewMetricsStage(const YAML::Node& cfg, const StageContext& ctx) {
  auto st = std::make_unique<MetricsStage>();
  st->reg_ = ctx.metrics ? ctx.metrics : std::make_shared<CustomMetrics>();
  ConfigReader r(cfg, "metrics", ctx);
  if (!cfg.IsMap() || cfg.size() == 0) r.Fail(nullptr, "empty metrics stage configuration");
  SKALD_RETURN_IF_ERROR(r.Done());
  for (const auto& kv : cfg) SKALD_RETURN_IF_ERROR(ParseMetric(kv.first.Scalar(), kv.second, ctx, st.get()));
  return StagePtr(std::move(st));
}

}  // namespace skald::pipeline
