// `limit` stage: a token bucket (rate per second, burst) for the whole stream or per value of
// `by_label_name` (at most max_distinct_labels buckets); over the limit the entry is dropped
// (drop: true) or held until a token is free (drop: false, Promtail's default).
#include <chrono>
#include <thread>
#include <unordered_map>

#include "collector/pipeline/stages/config.h"
#include "collector/pipeline/stages/factories.h"

namespace skald::pipeline {
namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct Bucket {
  double tokens;
  int64_t last_ns;
};

class LimitStage : public Stage {
 public:
  std::string_view Name() const override { return "limit"; }
  void Process(Entry& e) override {
    Bucket* b = &global_;
    if (!by_label_.empty()) {
      auto v = e.labels.Get(by_label_);
      if (!v) return;  // entries without the label are not limited
      auto it = buckets_.find(std::string(*v));
      if (it == buckets_.end()) {
        if (static_cast<int64_t>(buckets_.size()) >= max_distinct_) buckets_.clear();
        it = buckets_.emplace(std::string(*v), Bucket{static_cast<double>(burst_), NowNs()}).first;
      }
      b = &it->second;
    }
    if (Take(*b)) return;
    if (drop_) {
      e.dropped = true;
      e.drop_reason = "ratelimit_drop_stage";  // Promtail's reason
      return;
    }
    while (!Take(*b)) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  double rate_ = 0;
  int64_t burst_ = 0, max_distinct_ = 10000;
  bool drop_ = false;
  std::string by_label_;
  Bucket global_{0, 0};

 private:
  bool Take(Bucket& b) const {
    int64_t now = NowNs();
    b.tokens = std::min<double>(burst_, b.tokens + rate_ * (now - b.last_ns) / 1e9);
    b.last_ns = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace

Result<StagePtr> NewLimitStage(const YAML::Node& cfg, const StageContext& ctx) {
  ConfigReader r(cfg, "limit", ctx);
  r.Only({"rate", "burst", "drop", "by_label_name", "max_distinct_labels"});
  auto st = std::make_unique<LimitStage>();
  auto rate = r.Double("rate");
  auto burst = r.Int("burst");
  st->drop_ = r.Bool("drop").value_or(false);
  st->by_label_ = r.String("by_label_name", "");
  st->max_distinct_ = r.Int("max_distinct_labels").value_or(10000);
  if (r.ok() && (!rate || *rate <= 0)) r.Fail("rate", "limit stage requires a rate greater than 0");
  if (r.ok() && (!burst || *burst <= 0)) r.Fail("burst", "limit stage requires a burst greater than 0");
  if (r.ok() && !st->by_label_.empty() && !st->drop_)
    r.Fail("drop", "When ratelimiting by label, drop must be true");
  if (r.ok()) {
    st->rate_ = *rate;
    st->burst_ = *burst;
    st->global_ = {static_cast<double>(*burst), NowNs()};
  }
  SKALD_RETURN_IF_ERROR(r.Done());
  return StagePtr(std::move(st));
}

}  // namespace skald::pipeline
