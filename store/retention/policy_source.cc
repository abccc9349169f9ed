// Runtime reload of retention overrides: the file is re-read each period and the policy swapped
// atomically when its text changed; a broken edit is logged, counted, and the old policy kept.
#include "store/retention/policy_source.h"

#include <fstream>
#include <sstream>

#include "common/logger.h"
#include "common/metrics.h"
#include "store/retention/retention_files.h"

namespace skald::retention {
namespace {

Result<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read runtime config file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

metrics::CounterVec& ReloadCounter() {
  static auto& c = metrics::Registry::Default().NewCounterVec(
      "skald_retention_runtime_reloads_total", "Runtime config (retention overrides) reloads, by result.",
      {"result"});
  return c;
}

}  // namespace

Result<std::unique_ptr<PolicySource>> PolicySource::Open(const StoreConfig& cfg) {
  std::unique_ptr<PolicySource> s(new PolicySource());
  s->limits_ = cfg.limits;
  s->runtime_file_ = cfg.runtime_config_file;
  auto g = CompileStreamRules(cfg.limits.retention_stream,
                              cfg.config_file + ": limits_config.retention_stream");
  if (!g.ok()) return g.status();
  s->global_rules_ = std::move(*g);
  auto mode = ParseDeletionMode(cfg.limits.deletion_mode);
  if (!mode.ok()) return mode.status().Annotate(cfg.config_file + ": limits_config.deletion_mode");
  s->deletion_mode_ = *mode;
  if (!cfg.compactor.retention_rules_file.empty()) {
    auto f = LoadRetentionRulesFile(cfg.compactor.retention_rules_file);
    if (!f.ok()) return f.status();
    s->file_rules_ = std::move(*f);
  }
  std::string text;
  if (!s->runtime_file_.empty()) {
    auto t = ReadText(s->runtime_file_);
    if (!t.ok()) return t.status();
    text = std::move(*t);
  }
  SKALD_RETURN_IF_ERROR(s->Build(text));
  return s;
}

PolicySource::~PolicySource() { Stop(); }

Status PolicySource::Build(const std::string& runtime_text) {
  std::map<std::string, TenantRetention> tenants;
  if (!runtime_file_.empty()) {
    auto t = ParseRuntimeOverrides(runtime_file_, runtime_text);
    if (!t.ok()) return t.status();
    tenants = std::move(*t);
  }
  auto p = std::make_shared<const RetentionPolicy>(limits_.retention_period_ns, global_rules_, file_rules_,
                                                   std::move(tenants), deletion_mode_);
  std::lock_guard<std::mutex> lk(mu_);
  policy_ = std::move(p);
  last_text_ = runtime_text;
  reloads_++;
  return Status::Ok();
}

std::shared_ptr<const RetentionPolicy> PolicySource::Get() const {
  std::lock_guard<std::mutex> lk(mu_);
  return policy_;
}

uint64_t PolicySource::reloads() const {
  std::lock_guard<std::mutex> lk(mu_);
  return reloads_;
}

Status PolicySource::Reload() {
  if (runtime_file_.empty()) return Status::Ok();
  auto t = ReadText(runtime_file_);
  if (!t.ok()) return t.status();
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (*t == last_text_) return Status::Ok();
  }
  return Build(*t);
}

void PolicySource::Start(int64_t period_ns) {
  if (runtime_file_.empty() || loop_.joinable()) return;
  auto period = std::chrono::nanoseconds(std::max<int64_t>(period_ns, 100000000));
  loop_ = std::thread([this, period] {
    std::unique_lock<std::mutex> lk(loop_mu_);
    while (!loop_cv_.wait_for(lk, period, [this] { return stop_; })) {
      lk.unlock();
      uint64_t before = reloads();
      Status st = Reload();
      if (!st.ok()) {
        ReloadCounter().WithLabelValues({"error"}).Inc();
        SKALD_LOG(error, "runtime config reload failed; keeping the previous retention overrides",
                  {{"file", runtime_file_}, {"err", st.message()}});
      } else if (reloads() != before) {
        ReloadCounter().WithLabelValues({"success"}).Inc();
        SKALD_LOG(info, "runtime config reloaded", {{"file", runtime_file_}});
      }
      lk.lock();
    }
  });
}

void PolicySource::Stop() {
  {
    std::lock_guard<std::mutex> lk(loop_mu_);
    stop_ = true;
  }
  loop_cv_.notify_all();
  if (loop_.joinable()) loop_.join();
}

}  // namespace skald::retention
