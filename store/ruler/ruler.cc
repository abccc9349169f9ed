// Ruler: directory scans (change detection by name/mtime/size), group lifecycle across reloads
// (unchanged groups keep state and schedule), and the evaluation loop with missed-iteration count.
#include "store/ruler/ruler.h"

#include <algorithm>
#include <chrono>

#include "common/logger.h"
#include "store/store_config.h"

namespace skald::ruler {
namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

std::vector<std::string> SplitUrls(const std::string& s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t c = s.find(',', pos);
    std::string part = s.substr(pos, c == std::string::npos ? std::string::npos : c - pos);
    while (!part.empty() && part.back() == ' ') part.pop_back();
    while (!part.empty() && part.front() == ' ') part.erase(part.begin());
    if (!part.empty()) out.push_back(part);
    if (c == std::string::npos) break;
    pos = c + 1;
  }
  return out;
}

std::string GroupKey(const RuleGroup& g) { return g.tenant() + '\0' + g.ns() + '\0' + g.desc().name; }

}  // namespace

RulerOptions RulerOptionsFromConfig(const RulerConfig& c) {
  RulerOptions o;
  o.rules_dir = c.local_directory;
  o.evaluation_interval_ns = c.evaluation_interval_ns;
  o.poll_interval_ns = c.poll_interval_ns;
  o.resend_delay_ns = c.resend_delay_ns;
  o.external_labels = c.external_labels;
  o.external_url = c.external_url;
  o.notifier.urls = SplitUrls(c.alertmanager_url);
  o.notifier.timeout_ns = c.notification_timeout_ns;
  o.notifier.capacity = size_t(std::max(1, c.notification_queue_capacity));
  if (c.remote_write_enabled) {
    if (!c.remote_write_url.empty()) o.remote_write.urls.push_back(c.remote_write_url);
    for (const std::string& u : c.remote_write_client_urls) o.remote_write.urls.push_back(u);
  }
  o.remote_write.add_org_id_header = c.remote_write_add_org_id_header;
  return o;
}

Ruler::Ruler(RulerOptions opts, QueryFn query, metrics::Registry* registry)
    : opts_(std::move(opts)), query_(std::move(query)), metrics_(registry), store_(opts_.rules_dir),
      notifier_(opts_.notifier, registry), writer_(opts_.remote_write, registry) {}

Ruler::~Ruler() { Stop(); }

Status Ruler::Start() {
  if (started_) return Status::Ok();
  Reload(NowNs());
  notifier_.Start();
  writer_.Start();
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = false;
  }
  thread_ = std::thread([this] { Run(); });
  started_ = true;
  SKALD_LOG(info, "ruler started", {{"dir", opts_.rules_dir}, {"groups", Groups("").size()},
                                    {"alertmanagers", opts_.notifier.urls.size()},
                                    {"remote_write_clients", opts_.remote_write.urls.size()}});
  return Status::Ok();
}

void Ruler::Stop() {
  if (!started_) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  notifier_.Stop();
  writer_.Stop();
  started_ = false;
}

void Ruler::ReloadNow() {
  Reload(NowNs());
  {
    std::lock_guard<std::mutex> lock(mu_);
    reload_ = true;
  }
  cv_.notify_all();
}

void Ruler::Reload(int64_t now_ns) {
  std::lock_guard<std::mutex> serial(reload_mu_);
  std::vector<NamespaceFile> files = store_.List();
  std::string sig;
  for (const auto& f : files)
    sig += f.tenant + '/' + f.ns + ':' + std::to_string(f.mtime_ns) + ':' + std::to_string(f.size) + '\n';
  std::map<std::string, std::shared_ptr<RuleGroup>> old;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (sig == signature_ && !signature_.empty()) return;
    for (const auto& g : groups_) old[GroupKey(*g)] = g;
  }
  std::vector<std::shared_ptr<RuleGroup>> fresh;
  std::vector<std::string> errors;
  std::map<std::string, int> invalid;
  for (const NamespaceFile& f : files) {
    auto text = store_.Read(f);
    auto parsed = text.ok() ? ParseRuleFile(f.path, *text) : Result<RuleFile>(text.status());
    if (!parsed.ok()) {
      errors.push_back(parsed.status().message());
      ++invalid[f.tenant];
      continue;
    }
    for (const std::string& e : parsed->errors) errors.push_back(e);
    invalid[f.tenant] += int(parsed->errors.size());
    for (RuleGroupDesc& d : parsed->groups) {
      auto g = std::make_shared<RuleGroup>(f.tenant, f.ns, std::move(d), opts_.evaluation_interval_ns);
      auto it = old.find(GroupKey(*g));
      if (it != old.end() && it->second->desc() == g->desc()) {
        fresh.push_back(it->second);
        continue;
      }
      if (it != old.end()) g->RestoreFrom(*it->second);
      g->next_eval_ns = now_ns;
      fresh.push_back(std::move(g));
    }
  }
  for (const std::string& e : errors) SKALD_LOG(error, "invalid rule, skipped", {{"err", e}});
  for (const auto& [tenant, n] : invalid) metrics_.invalid_rules->WithLabelValues({tenant}).Set(n);
  metrics_.last_reload_success->Set(errors.empty() ? 1 : 0);
  metrics_.reloads->Inc();
  std::lock_guard<std::mutex> lock(mu_);
  signature_ = sig.empty() ? "\n" : sig;
  groups_ = std::move(fresh);
  load_errors_ = std::move(errors);
}

void Ruler::EvalDue(int64_t now_ns) {
  std::vector<std::shared_ptr<RuleGroup>> due;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& g : groups_)
      if (g->next_eval_ns <= now_ns) due.push_back(g);
  }
  EvalDeps deps{query_, &notifier_, &writer_, &opts_.external_labels, opts_.external_url,
                opts_.resend_delay_ns, &metrics_};
  for (const auto& g : due) {
    g->Eval(now_ns, deps);
    std::lock_guard<std::mutex> lock(mu_);
    g->next_eval_ns += g->interval_ns();
    const int64_t now = NowNs();
    if (g->next_eval_ns <= now) {
      int64_t missed = (now - g->next_eval_ns) / g->interval_ns() + 1;
      const std::vector<std::string> labels = {g->tenant(), g->ns() + ";" + g->desc().name};
      metrics_.iterations_missed->WithLabelValues(labels).Inc(double(missed));
      metrics_.loki_iterations_missed->WithLabelValues(labels).Inc(double(missed));
      g->next_eval_ns += missed * g->interval_ns();
    }
  }
}

void Ruler::Run() {
  int64_t next_poll = NowNs() + opts_.poll_interval_ns;
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    int64_t wake = next_poll;
    for (const auto& g : groups_) wake = std::min(wake, g->next_eval_ns);
    const int64_t now = NowNs();
    if (wake > now) {
      cv_.wait_for(lock, std::chrono::nanoseconds(wake - now), [this] { return stop_ || reload_; });
    }
    if (stop_) break;
    reload_ = false;
    lock.unlock();
    const int64_t t = NowNs();
    if (t >= next_poll) {
      Reload(t);
      next_poll = t + opts_.poll_interval_ns;
    }
    EvalDue(NowNs());
    lock.lock();
  }
}

std::vector<std::shared_ptr<RuleGroup>> Ruler::Groups(const std::string& tenant) const {
  std::vector<std::shared_ptr<RuleGroup>> out;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& g : groups_)
      if (tenant.empty() || g->tenant() == tenant) out.push_back(g);
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a->tenant(), a->ns(), a->desc().name) < std::tie(b->tenant(), b->ns(), b->desc().name);
  });
  return out;
}

std::vector<std::string> Ruler::LoadErrors() const {
  std::lock_guard<std::mutex> lock(mu_);
  return load_errors_;
}

}  // namespace skald::ruler
